using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// The seeds' separate critic fit (<c>train_V_iters</c>): after the policy step, the value network alone takes that many
/// full-batch steps on <c>MSE(V(s), returns)</c> with its own optimizer. Shared by A2C and PPO.
/// </summary>
internal sealed class ValueFit
{
    private readonly DataParallelRunner _runner;
    private readonly IOptimizer _optimizer;
    private readonly Parameter[] _parameters;
    private readonly Minibatch _batch;
    private readonly DataParallelRunner.ChunkLoss _loss;
    private readonly int[] _all;

    /// <summary>Fits on a whole rollout; <paramref name="batch"/> must hold as many rows as the rollout buffer.</summary>
    public ValueFit(DataParallelRunner runner, IOptimizer optimizer, Parameter[] parameters, Minibatch batch)
    {
        _runner = runner;
        _optimizer = optimizer;
        _parameters = parameters;
        _batch = batch;
        _loss = Loss;
        _all = new int[batch.Size];
        for (int i = 0; i < _all.Length; i++)
        {
            _all[i] = i;
        }
    }

    /// <summary>
    /// The critic's step size at this point of training: its own base rate (or the policy's) scaled as the policy's
    /// scheduled rate <paramref name="policyRate"/> is scaled from <paramref name="policyBaseRate"/>.
    /// </summary>
    public static double ScheduledRate(double? valueBaseRate, double policyBaseRate, double policyRate) =>
        (valueBaseRate ?? policyBaseRate) * (policyBaseRate > 0 ? policyRate / policyBaseRate : 1.0);

    /// <summary>The critic's optimizer (its state is checkpointed).</summary>
    public IOptimizer Optimizer => _optimizer;

    /// <summary>Runs <paramref name="iterations"/> steps at <paramref name="learningRate"/> on the learner's rollout; returns the mean value loss.</summary>
    public double Fit(int iterations, double learningRate, double? maxGradNorm, OnPolicyLearner learner)
    {
        _batch.Load(learner.Buffer, _all);
        _optimizer.LearningRate = learningRate;
        double sum = 0;
        for (int it = 0; it < iterations; it++)
        {
            var stats = _runner.Run(_batch.Size, _loss);
            learner.EnsureFinite(stats.ValueLoss, "the value loss");
            if (maxGradNorm is double maxNorm)
            {
                GradientClipping.ClipByGlobalNorm(_parameters, maxNorm);
            }

            _optimizer.Step();
            sum += stats.ValueLoss;
        }

        return iterations > 0 ? sum / iterations : double.NaN;
    }

    private Tensor Loss(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats)
    {
        var obs = Minibatch.Rows(tape, _batch.Observations, start, count);
        var returns = Minibatch.Rows(tape, _batch.Returns, start, count);
        var loss = tape.Mse(policy.Value(tape, obs), returns);
        stats.ValueLoss += weight * loss.Data[0];
        stats.Loss += weight * loss.Data[0];
        return tape.Scale(loss, weight);
    }
}
