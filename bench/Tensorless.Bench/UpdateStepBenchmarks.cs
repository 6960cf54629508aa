using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;

namespace Tensorless.Bench;

/// <summary>
/// One PPO minibatch step exactly as the learner runs it: <see cref="Ppo.Update"/> with one epoch over one minibatch that
/// holds a rollout collected on CartPole-v1 (SB3's 64x64 tanh actor-critic, categorical head, orthogonal init): gather and
/// normalise the minibatch, loss = clipped surrogate + 0.5 MSE - 0.01 mean entropy computed in cache-sized chunks on 1 or
/// 2 threads, global-norm clipping at 0.5, an Adam step. About 53k flops per sample (forward, backward and update).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class UpdateStepBenchmarks
{
    private const int Envs = 8;
    private Ppo _ppo = null!;
    private MetricsRecord _metrics = null!;

    /// <summary>Samples per minibatch.</summary>
    [Params(512, 2048)]
    public int Minibatch { get; set; }

    /// <summary>Threads sharing the gradient computation.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds PPO from fixed seeds and collects one rollout.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var env = Gym.MakeVector("CartPole-v1", Envs, seed: 1);
        _ppo = new Ppo(env, new PpoOptions
        {
            OnPolicy = new OnPolicyOptions { NumEnvs = Envs, NumSteps = Minibatch / Envs, EntCoef = 0.01, LearningRate = 2.5e-4, Threads = Threads },
            MinibatchSize = Minibatch,
            NumEpochs = 1,
        });
        _ppo.Learner.CollectRollout();
        _metrics = MetricsRecord.CreateStandard();
    }

    /// <summary>Stops the worker thread.</summary>
    [GlobalCleanup]
    public void Cleanup() => _ppo.Dispose();

    /// <summary>One update: gather, gradient (chunked, data-parallel), clipping and Adam step for one minibatch.</summary>
    [Benchmark]
    public bool Update() => _ppo.Update(1.0, _metrics);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("ksamples/s", 1e3, c => ThroughputColumn.Param(c, "Minibatch")));
    }
}
