using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Envs;
using Tensorless.Gpu;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Bench;

/// <summary>
/// One PPO update of a single agent (64x64 tanh actor and critic, CartPole-v1, one epoch over one minibatch of
/// <see cref="Rows"/> rows) on the CPU and on each available accelerator: on a device the gradient, global-norm clipping
/// and Adam run there, and the figure includes the minibatch upload and the parameter and moment copies at the update's
/// start and end. The rollout is collected once on the CPU in the setup. The column reads in samples/s. Issue 11's H200
/// target is the 2048-row figure on <c>cuda</c> against <c>cpu</c>.
/// </summary>
[Config(typeof(Config))]
public class DeviceUpdateBenchmarks
{
    private const int Envs = 8;
    private Ppo? _agent;
    private readonly MetricsRecord _metrics = MetricsRecord.CreateStandard();

    /// <summary>Rows of the minibatch (the whole rollout: 8 envs x rows / 8 steps).</summary>
    [Params(128, 2048)]
    public int Rows { get; set; } = 128;

    /// <summary>The device, in the CLI's spelling: cpu and ilgpu-cpu always; cuda and opencl where such a device exists.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    /// <summary>The devices present here.</summary>
    public static IEnumerable<string> Devices() => DeviceGemmBenchmarks.Devices();

    /// <summary>Builds the agent from fixed seeds, collects its rollout on the CPU and puts it on the device.</summary>
    [GlobalSetup]
    public void Setup()
    {
        GpuGradientDevices.Register();
        _agent = new Ppo(Gym.MakeVector("CartPole-v1", Envs, seed: 1), new PpoOptions
        {
            OnPolicy = new OnPolicyOptions { NumEnvs = Envs, NumSteps = Rows / Envs, Threads = 1 },
            MinibatchSize = Rows,
            NumEpochs = 1,
        });
        _agent.Learner.CollectRollout();
        _agent.Learner.Device = GradientDevices.Create(Device, _agent);
    }

    /// <summary>Releases the device and the agent.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _agent?.Learner.Device?.Dispose();
        _agent?.Dispose();
    }

    /// <summary>One update: the minibatch's gradient, clipping and the Adam step.</summary>
    [Benchmark]
    public void Update()
    {
        _metrics.Clear();
        _agent!.Update(1.0, _metrics);
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("samples/s", 1, c => ThroughputColumn.Param(c, "Rows")));
    }
}
