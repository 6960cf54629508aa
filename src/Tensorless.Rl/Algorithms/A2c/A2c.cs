using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Synchronous advantage actor-critic (A2C; Mnih et al. 2016, synchronous form as in SB3): after each rollout one gradient
/// step on <c>-mean(A log pi) + VfCoef * MSE(V, R) - EntCoef * mean(H)</c> over the whole batch, with RMSprop by default
/// and global-norm clipping. With <see cref="OnPolicyOptions.TrainValueIterations"/> &gt; 0 the A2C seed's variant runs: the
/// policy step uses the policy term alone and a separate optimizer fits the value network for that many full-batch steps.
/// </summary>
public sealed partial class A2c : IOnPolicyAlgorithm
{
    private readonly ActorCriticParts _parts;
    private readonly DataParallelRunner.ChunkLoss _chunkLoss;
    private readonly Minibatch _batch;
    private readonly int[] _indices;

    /// <summary>Builds A2C on <paramref name="env"/>; the options are validated first.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public A2c(IVectorEnv env, A2cOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { OnPolicy = options.OnPolicy with { NumEnvs = env.NumEnvs } };
        options.Validate();
        Options = options;
        _parts = new ActorCriticParts(env, options.OnPolicy, Update);
        _chunkLoss = ChunkLoss;
        int rolloutSize = options.OnPolicy.RolloutSize;
        _batch = new Minibatch(rolloutSize, env.ObservationSize, env.ActionSize);
        _indices = new int[rolloutSize];
        for (int i = 0; i < _indices.Length; i++)
        {
            _indices[i] = i;
        }
    }

    /// <summary>The validated options (with NumEnvs taken from the env).</summary>
    public A2cOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "a2c";

    /// <inheritdoc />
    public string EnvId => _parts.Learner.Env.Id;

    /// <inheritdoc />
    IAlgorithmOptions IOnPolicyAlgorithm.Options => Options;

    /// <inheritdoc />
    public OnPolicyLearner Learner => _parts.Learner;

    /// <inheritdoc />
    public ActorCriticPolicy Policy => _parts.Learner.Policy;

    /// <inheritdoc />
    public IReadOnlyList<(string Name, IOptimizer Optimizer)> Optimizers => _parts.Optimizers;

    /// <inheritdoc />
    public TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks) => _parts.Learner.Learn(totalSteps, callbacks);

    /// <summary>Stops the update threads, if any.</summary>
    public void Dispose() => _parts.Runner.Dispose();

    /// <summary>
    /// One A2C update on the rollout in <see cref="OnPolicyLearner.Buffer"/>: one clipped gradient step on the whole
    /// batch, then the seeds' separate value fit if configured. Fills <paramref name="metrics"/>; allocates nothing. It is
    /// the loop over the stepwise form (<see cref="IMinibatchUpdate"/>, A2c.Stepwise.cs) with one minibatch.
    /// </summary>
    /// <param name="progressRemaining">1 at the start of training, 0 at the end (drives the learning-rate schedule).</param>
    /// <param name="metrics">The record this update's losses go into.</param>
    /// <returns>True (A2C never asks to stop training).</returns>
    public bool Update(double progressRemaining, MetricsRecord metrics)
    {
        var o = Options.OnPolicy;
        BeginUpdatePass(progressRemaining);

        // on a device that takes the optimizer's step itself, the gradient never leaves it
        var device = _parts.Learner.Device;
        bool stepOnDevice = device?.BeginUpdate(_parts.Optimizer) ?? false;
        try
        {
            while (NextMinibatch())
            {
                var stats = device is not null
                    ? device.A2cGradient(_batch, _batch.Size, o.EntCoef, o.VfCoef, withValue: _parts.ValueFit is null)
                    : _parts.Runner.Run(_batch.Size, _chunkLoss);
                AcceptGradient(stats);
                if (stepOnDevice)
                {
                    device!.Step(o.MaxGradNorm);
                }
                else
                {
                    _parts.ClipAndStep(o.MaxGradNorm);
                }
            }
        }
        finally
        {
            device?.EndUpdate();
        }

        EndUpdatePass(metrics);
        return true;
    }

    /// <summary>
    /// One chunk of the batch, the A3C paper's loss (Mnih et al. 2016, section 4) as SB3's A2C minimises it:
    /// <c>L = L_policy - EntCoef * mean(H[pi](s_t)) + VfCoef * L_value</c>, the value term only when policy and value train jointly.
    /// </summary>
    private Tensor ChunkLoss(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats)
    {
        var (obs, actions) = _batch.Inputs(tape, start, count);
        var advantages = Minibatch.Rows(tape, _batch.Advantages, start, count);
        bool withValue = _parts.ValueFit is null;
        var eval = policy.Evaluate(tape, obs, actions, withValue);
        // policy gradient surrogate: L_policy = -mean_t(A_t log pi(a_t|s_t)); the advantages are data, so only log pi is differentiated
        var policyLoss = tape.Scale(tape.Mean(tape.Mul(eval.LogProb, advantages)), -1.0);
        // entropy bonus: mean_t H[pi](s_t), subtracted so that a larger entropy lowers the loss
        var entropy = tape.Mean(eval.Entropy);
        var loss = tape.Sub(policyLoss, tape.Scale(entropy, Options.OnPolicy.EntCoef));
        if (withValue)
        {
            // critic regression: L_value = mean_t (V(s_t) - R_t)^2 towards the estimator's returns
            var valueLoss = tape.Mse(eval.Value!, Minibatch.Rows(tape, _batch.Returns, start, count));
            loss = tape.Add(loss, tape.Scale(valueLoss, Options.OnPolicy.VfCoef));
            stats.ValueLoss += weight * valueLoss.Data[0];
        }

        stats.Loss += weight * loss.Data[0];
        stats.PolicyLoss += weight * policyLoss.Data[0];
        stats.Entropy += weight * entropy.Data[0];
        return tape.Scale(loss, weight);
    }
}
