using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;


namespace Tensorless.Bench;

/// <summary>
/// Rollout collection as the learners run it: per step, the vector env steps, the 64x64 tanh actor and critic run
/// forward on an inference tape, actions are sampled with their log-probabilities, the buffer stores the step; after 64
/// steps the truncation bootstrap and GAE run. CartPole-v1 at 16 and 256 envs; the column reads in env steps/s.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class RolloutBenchmarks
{
    private const int Steps = 64;
    private RolloutCollector _collector = null!;
    private ActorCriticPolicy _policy = null!;
    private RolloutBuffer _buffer = null!;
    private Xoshiro256 _rng = null!;

    /// <summary>Parallel envs.</summary>
    [Params(16, 256)]
    public int Envs { get; set; }

    /// <summary>Builds the env, policy, buffer and collector from fixed seeds.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var env = Gym.MakeVector("CartPole-v1", Envs, seed: 3);
        var spec = Gym.Spec("CartPole-v1");
        _policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(3));
        _buffer = new RolloutBuffer(Steps, Envs, 4, 1);
        _collector = new RolloutCollector(env, Steps, null, null);
        _collector.Start(3);
        _rng = new Xoshiro256(4);
    }

    /// <summary>One rollout of 64 steps on every env.</summary>
    [Benchmark]
    public void Collect() => _collector.Collect(_policy, _buffer, _rng, AdvantageEstimator.Gae, 0.99, 0.95, 1);

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("Menv-steps/s", 1e6, c => Steps * ThroughputColumn.Param(c, "Envs")));
    }
}
