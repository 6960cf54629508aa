using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Distributions;
using Tensorless.Autodiff.Nn;
using Tensorless.Autodiff.Optim;

namespace Tensorless.Bench;

/// <summary>
/// One PPO minibatch update as CleanRL's CartPole PPO runs it: forward of the 4-64-64-2 tanh actor (categorical, 2
/// actions) and the 4-64-64-1 critic, loss = clipped surrogate + 0.5 MSE - 0.01 mean entropy, backward, and an Adam
/// step over both networks (no gradient clipping). The data are fixed random minibatches from a seed.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class UpdateStepBenchmarks
{
    private readonly Tape _tape = new();
    private readonly Categorical _dist = new();
    private Mlp _actor = null!;
    private Mlp _critic = null!;
    private Adam _adam = null!;
    private Tensor _obs = null!, _actions = null!, _oldLogProb = null!, _advantages = null!, _returns = null!;

    /// <summary>Samples per minibatch.</summary>
    [Params(512, 2048)]
    public int Minibatch { get; set; }

    /// <summary>Builds networks, optimizer and a minibatch from fixed seeds.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xoshiro256(1);
        _actor = new Mlp("actor", [4, 64, 64, 2], Activation.Tanh, rng);
        _critic = new Mlp("critic", [4, 64, 64, 1], Activation.Tanh, rng);
        var parameters = new ParameterSet();
        parameters.AddRange(_actor.Parameters);
        parameters.AddRange(_critic.Parameters);
        _adam = new Adam(parameters, learningRate: 2.5e-4, eps: 1e-5);
        _obs = new Tensor(Minibatch, 4);
        _actions = new Tensor(Minibatch, 1);
        _oldLogProb = new Tensor(Minibatch, 1);
        _advantages = new Tensor(Minibatch, 1);
        _returns = new Tensor(Minibatch, 1);
        rng.FillUniform(_obs.Data, -1, 1);
        for (int i = 0; i < Minibatch; i++)
        {
            _actions.Data[i] = rng.NextInt(2);
        }

        rng.FillUniform(_oldLogProb.Data, -0.9, -0.5);
        rng.FillGaussian(_advantages.Data);
        rng.FillUniform(_returns.Data, 0, 10);
    }

    /// <summary>Forward, loss, backward and Adam step for one minibatch.</summary>
    [Benchmark]
    public double Update()
    {
        var tape = _tape;
        tape.Reset();
        _adam.ZeroGrad();
        var logits = _actor.Forward(tape, _obs);
        _dist.Bind(logits);
        var logProb = _dist.LogProb(tape, _actions);
        var entropy = tape.Mean(_dist.Entropy(tape));
        var value = _critic.Forward(tape, _obs);
        var policyLoss = tape.PpoClipLoss(logProb, _oldLogProb, _advantages, 0.2);
        var valueLoss = tape.Mse(value, _returns);
        var loss = tape.Sub(tape.Add(policyLoss, tape.Scale(valueLoss, 0.5)), tape.Scale(entropy, 0.01));
        tape.Backward(loss);
        _adam.Step();
        return loss.Data[0];
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("ksamples/s", 1e3, c => ThroughputColumn.Param(c, "Minibatch")));
    }
}
