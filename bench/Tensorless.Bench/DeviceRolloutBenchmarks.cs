using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Envs;
using Tensorless.Gpu;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Bench;

/// <summary>
/// One rollout of a PPO learner (64x64 tanh actor and critic, CartPole-v1, 64 steps) on the CPU and on each available
/// accelerator: on a device the whole loop runs there (<c>DeviceRollout</c>: policy, action draw, envs, autoreset,
/// bootstrap, GAE) and the figure includes uploading the parameters and envs and downloading the rollout into the CPU
/// buffer. The column reads in env steps/s.
/// </summary>
[Config(typeof(Config))]
public class DeviceRolloutBenchmarks
{
    private const int Steps = 64;
    private Ppo? _agent;

    /// <summary>Parallel envs.</summary>
    [Params(16, 256, 2048)]
    public int Envs { get; set; } = 16;

    /// <summary>The device, in the CLI's spelling: cpu and ilgpu-cpu always; cuda and opencl where such a device exists.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    /// <summary>The devices present here.</summary>
    public static IEnumerable<string> Devices() => DeviceGemmBenchmarks.Devices();

    /// <summary>Builds the agent from fixed seeds, puts it on the device and resets the envs.</summary>
    [GlobalSetup]
    public void Setup()
    {
        GpuGradientDevices.Register();
        _agent = new Ppo(Gym.MakeVector("CartPole-v1", Envs, seed: 3), new PpoOptions
        {
            OnPolicy = new OnPolicyOptions { NumEnvs = Envs, NumSteps = Steps, Seed = 3, Threads = 1 },
        });
        _agent.Learner.Device = GradientDevices.Create(Device, _agent);
        _agent.Learner.CollectRollout();
    }

    /// <summary>Releases the device and the agent.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _agent?.Learner.Device?.Dispose();
        _agent?.Dispose();
    }

    /// <summary>One rollout of 64 steps on every env, with its advantages.</summary>
    [Benchmark]
    public void Rollout() => _agent!.Learner.CollectRollout();

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("Menv-steps/s", 1e6, c => Steps * ThroughputColumn.Param(c, "Envs")));
    }
}
