using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Distributions;
using Tensorless.Autodiff.Nn;

namespace Tensorless.Bench;

/// <summary>
/// Inference (no recording) through CleanRL's CartPole networks: the 4-64-64-2 tanh actor alone, and a full rollout
/// policy step (actor and 4-64-64-1 critic forward, categorical sample and log-prob), at batch 16 (16 envs) and 2048.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class MlpForwardBenchmarks
{
    private readonly Tape _tape = new(recording: false);
    private readonly Categorical _dist = new();
    private Mlp _actor = null!;
    private Mlp _critic = null!;
    private Tensor _obs = null!;
    private Xoshiro256 _rng = null!;
    private double[] _actions = [];
    private double[] _logProb = [];

    /// <summary>Observations per call.</summary>
    [Params(16, 2048)]
    public int Batch { get; set; }

    /// <summary>Builds the networks and observations from fixed seeds.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xoshiro256(1);
        _actor = new Mlp("actor", [4, 64, 64, 2], Activation.Tanh, rng);
        _critic = new Mlp("critic", [4, 64, 64, 1], Activation.Tanh, rng);
        _obs = new Tensor(Batch, 4);
        rng.FillUniform(_obs.Data, -1, 1);
        _rng = new Xoshiro256(2);
        _actions = new double[Batch];
        _logProb = new double[Batch];
    }

    /// <summary>Actor forward only: three linear layers and two tanh on an inference tape.</summary>
    [Benchmark]
    public Tensor ActorForward()
    {
        _tape.Reset();
        return _actor.Forward(_tape, _obs);
    }

    /// <summary>What a rollout step runs: actor and critic forward, then sample actions and score them.</summary>
    [Benchmark]
    public Tensor PolicyStep()
    {
        _tape.Reset();
        var logits = _actor.Forward(_tape, _obs);
        var value = _critic.Forward(_tape, _obs);
        _dist.Bind(logits).Sample(_rng, _actions);
        _dist.LogProb(_actions, _logProb);
        return value;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("ksamples/s", 1e3, c => ThroughputColumn.Param(c, "Batch")));
    }
}
