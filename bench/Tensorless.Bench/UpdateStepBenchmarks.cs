using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Bench;

/// <summary>
/// One PPO minibatch step exactly as <c>Ppo</c> runs it, on CartPole's 64x64 tanh actor-critic (categorical, 2 actions,
/// orthogonal init): loss = clipped surrogate + 0.5 MSE - 0.01 mean entropy computed in cache-sized chunks by the
/// <c>DataParallelRunner</c> on 1 or 2 threads, global-norm clipping at 0.5, and an Adam step. Fixed random minibatch.
/// About 53k flops per sample (forward, backward and update).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(Config))]
public class UpdateStepBenchmarks
{
    private DataParallelRunner _runner = null!;
    private DataParallelRunner.ChunkLoss _loss = null!;
    private Parameter[] _parameters = null!;
    private Adam _adam = null!;
    private Minibatch _batch = null!;

    /// <summary>Samples per minibatch.</summary>
    [Params(512, 2048)]
    public int Minibatch { get; set; }

    /// <summary>Threads sharing the gradient computation.</summary>
    [Params(1, 2)]
    public int Threads { get; set; }

    /// <summary>Builds the policy, the runner, the optimizer and a minibatch from fixed seeds.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var spec = Gym.Spec("CartPole-v1");
        var rng = new Xoshiro256(1);
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), rng);
        _parameters = [.. policy.Parameters];
        _adam = new Adam(_parameters, learningRate: 2.5e-4, eps: 1e-5);
        _runner = new DataParallelRunner(policy, Threads);
        var batch = new Minibatch(Minibatch, 4, 1);
        rng.FillUniform(batch.Observations.Data, -1, 1);
        for (int i = 0; i < Minibatch; i++)
        {
            batch.Actions.Data[i] = rng.NextInt(2);
        }

        rng.FillUniform(batch.OldLogProbs.Data, -0.9, -0.5);
        rng.FillGaussian(batch.Advantages.Data);
        rng.FillUniform(batch.Returns.Data, 0, 10);
        _batch = batch;
        _loss = (Tape tape, ActorCriticPolicy p, int start, int count, double weight, ref UpdateStats stats) =>
        {
            var (obs, actions) = batch.Inputs(tape, start, count);
            var eval = p.Evaluate(tape, obs, actions);
            var policyLoss = tape.PpoClipLoss(eval.LogProb, Rl.Training.Minibatch.Rows(tape, batch.OldLogProbs, start, count),
                Rl.Training.Minibatch.Rows(tape, batch.Advantages, start, count), 0.2);
            var valueLoss = tape.Mse(eval.Value!, Rl.Training.Minibatch.Rows(tape, batch.Returns, start, count));
            var loss = tape.Sub(tape.Add(policyLoss, tape.Scale(valueLoss, 0.5)), tape.Scale(tape.Mean(eval.Entropy), 0.01));
            stats.Loss += weight * loss.Data[0];
            return tape.Scale(loss, weight);
        };
    }

    /// <summary>Stops the worker thread.</summary>
    [GlobalCleanup]
    public void Cleanup() => _runner.Dispose();

    /// <summary>Gradient (chunked, data-parallel), clipping and Adam step for one minibatch.</summary>
    [Benchmark]
    public double Update()
    {
        var stats = _runner.Run(_batch.Size, _loss);
        GradientClipping.ClipByGlobalNorm(_parameters, 0.5);
        _adam.Step();
        return stats.Loss;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("ksamples/s", 1e3, c => ThroughputColumn.Param(c, "Minibatch")));
    }
}
