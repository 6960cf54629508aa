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
/// One PPO update of every member of a population at PureJaxRL's CartPole settings (4 envs x 128 steps per agent, 4
/// epochs x 4 minibatches of 128 rows, 64x64 tanh, Adam): on the CPU K updates on one thread, on a device one batched
/// update of all K (<c>DevicePopulationUpdate</c>; the parameters and Adam's moments go up and come back, included).
/// The rollouts are collected once in the setup. The column reads in agent-updates/s.
/// </summary>
[Config(typeof(Config))]
public class DevicePopulationUpdateBenchmarks
{
    private const int Envs = 4, Steps = 128;
    private Ppo[] _members = [];
    private MetricsRecord[] _metrics = [];
    private IPopulationRolloutDevice? _batch;
    private int[] _all = [];
    private double[] _progress = [];
    private Exception?[] _errors = [];

    /// <summary>Members of the population.</summary>
    [Params(64, 256, 2048)]
    public int Agents { get; set; } = 64;

    /// <summary>The device, in the CLI's spelling: cpu always; cuda and opencl where such a device exists.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    /// <summary>
    /// The devices present here but ILGPU's CPU accelerator, a correctness target on which one update of 64 agents takes
    /// over a minute (2048 would take over half an hour); <c>tensorless bench device --agents 64 --devices ilgpu-cpu</c> times it.
    /// </summary>
    public static IEnumerable<string> Devices() => DeviceGemmBenchmarks.Devices().Where(d => d != "ilgpu-cpu");

    /// <summary>Builds the members from fixed seeds, the population's device, and one rollout each.</summary>
    [GlobalSetup]
    public void Setup()
    {
        GpuGradientDevices.Register();
        _members = [.. Enumerable.Range(0, Agents).Select(k => new Ppo(Gym.MakeVector("CartPole-v1", Envs, seed: (ulong)k), new PpoOptions
        {
            OnPolicy = new OnPolicyOptions { NumEnvs = Envs, NumSteps = Steps, Seed = (ulong)k, Threads = 1, LearningRate = 2.5e-4, MaxGradNorm = 0.5, EntCoef = 0.01 },
            MinibatchSize = Envs * Steps / 4,
            NumEpochs = 4,
        }))];
        _metrics = [.. _members.Select(_ => MetricsRecord.CreateStandard())];
        _all = [.. Enumerable.Range(0, Agents)];
        _progress = [.. _all.Select(_ => 1.0)];
        _errors = new Exception?[Agents];
        foreach (var m in _members)
        {
            m.Learner.CollectRollout();
        }

        _batch = GradientDevices.CreatePopulation(Device, _members);
    }

    /// <summary>Releases the device and the members.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _batch?.Dispose();
        foreach (var m in _members)
        {
            m.Dispose();
        }
    }

    /// <summary>One update of every member from its rollout.</summary>
    [Benchmark]
    public void Update()
    {
        if (_batch is IPopulationUpdateDevice updates)
        {
            updates.UpdateAll(_all, _progress, _metrics, _errors);
            return;
        }

        for (int k = 0; k < _members.Length; k++)
        {
            _members[k].Update(1.0, _metrics[k]);
        }
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("agent-updates/s", 1, c => ThroughputColumn.Param(c, "Agents")));
    }
}
