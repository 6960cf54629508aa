using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// REINFORCE (Williams 1992, "Simple statistical gradient-following algorithms for connectionist reinforcement
/// learning"): after each rollout, one gradient step on <c>-mean_t(psi_t - b(s_t)) log pi(a_t|s_t)</c>, where psi_t is
/// a Monte Carlo return (the reward-to-go, or the whole episode's return with <see cref="ReinforceOptions.RewardToGo"/>
/// false), b an optional learned value baseline (<see cref="ReinforceOptions.Baseline"/>), plus an optional entropy
/// bonus and, with the baseline, the critic's regression onto the returns (jointly with <see cref="OnPolicyOptions.VfCoef"/>,
/// or the seeds' separate fit with <see cref="OnPolicyOptions.TrainValueIterations"/> &gt; 0).
/// </summary>
/// <remarks>
/// <para>
/// Returns are computed per env over the vectorised rollout: each env's episode ends where it ends. At
/// <c>terminated</c> the return stops (nothing after it). At <c>truncated</c> (a time limit) the return is bootstrapped
/// with V(final observation) when there is a baseline critic; without one there is nothing to bootstrap from and the
/// episode's return is the rewards it got (the time limit is part of the episodic task, as in Williams' setting).
/// </para>
/// <para>
/// An episode still running at the rollout's end: with a baseline, its return is bootstrapped once with V(s_T) of
/// the observation after the last step, exactly as the shared Monte Carlo estimator does, and every step is used.
/// Without a baseline there is no estimate of the missing rewards, and treating the rollout end as a termination
/// (the seeds' slip) would understate every return near it; so those steps (each env's tail after its last episode
/// end) get weight 0 in this update and the policy loss averages over the M steps whose episode ended inside the
/// rollout. The env keeps running; the rest of that episode is used in the next update, once it ends. Every used
/// step's reward-to-go is then an exact Monte Carlo sample under the policy that chose its actions. The cut has a
/// cost: at most one episode per env per rollout loses the steps before the cut, and whether a step near the cut is
/// used depends on how soon its episode ends, a selection that favours short endings within one episode length of
/// the rollout end. Both shrink as the rollout grows against the episode length, so without a baseline NumSteps
/// should be several episode lengths (the no-baseline preset uses 1,000 steps against CartPole-v1's 500-step
/// limit). A rollout in which no env finishes an episode takes no policy step.
/// </para>
/// <para>
/// The whole-episode return (<see cref="ReinforceOptions.RewardToGo"/> false) counts from the episode's first step:
/// for the episode each env is in when a rollout starts, the discounted rewards it collected in earlier rollouts are
/// carried over (and checkpointed through <see cref="SaveExtraState"/>). Those earlier rewards do not depend on the
/// actions being scored, so they add variance but no bias, as in the paper.
/// </para>
/// </remarks>
public sealed class Reinforce : IOnPolicyAlgorithm
{
    private readonly ActorCriticParts _parts;
    private readonly DataParallelRunner.ChunkLoss _chunkLoss;
    private readonly Minibatch _batch;
    private readonly int[] _indices;
    private readonly double[] _returnsToGo;
    private readonly double[] _scratch;
    private readonly double[] _wholeReturns;
    private readonly double[] _used;
    private readonly double[] _zeros;
    private readonly double[] _carryReturn;
    private readonly double[] _carryDiscount;

    /// <summary>Builds REINFORCE on <paramref name="env"/>; the options are validated first.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public Reinforce(IVectorEnv env, ReinforceOptions options)
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

        _returnsToGo = new double[rolloutSize];
        _scratch = new double[rolloutSize];
        _wholeReturns = new double[rolloutSize];
        _used = new double[rolloutSize];
        _zeros = new double[rolloutSize];
        _carryReturn = new double[env.NumEnvs];
        _carryDiscount = new double[env.NumEnvs];
        _carryDiscount.AsSpan().Fill(1.0);
    }

    /// <summary>The validated options (with NumEnvs taken from the env).</summary>
    public ReinforceOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "reinforce";

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

    /// <summary>The weight column of the last update, <c>w_t</c> in the policy loss (tests).</summary>
    internal ReadOnlySpan<double> Weights => _batch.Advantages.Data;

    /// <summary>Per env, the discounted rewards of the running episode before the next rollout (tests).</summary>
    internal ReadOnlySpan<double> CarryReturn => _carryReturn;

    /// <inheritdoc />
    public TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks) => _parts.Learner.Learn(totalSteps, callbacks);

    /// <summary>Stops the update threads, if any.</summary>
    public void Dispose() => _parts.Runner.Dispose();

    /// <summary>
    /// One REINFORCE update on the rollout in <see cref="OnPolicyLearner.Buffer"/>: the returns and weights, one
    /// gradient step on the whole batch, then the seeds' separate value fit if configured. Fills
    /// <paramref name="metrics"/>; allocates nothing.
    /// </summary>
    /// <param name="progressRemaining">1 at the start of training, 0 at the end (drives the learning-rate schedule).</param>
    /// <param name="metrics">The record this update's losses go into.</param>
    /// <returns>True (REINFORCE never asks to stop training).</returns>
    public bool Update(double progressRemaining, MetricsRecord metrics)
    {
        var o = Options.OnPolicy;
        double lr = o.LearningRateSchedule.Evaluate(o.LearningRate, progressRemaining);
        var learner = _parts.Learner;
        int used = PrepareWeights();
        if (used > 0)
        {
            _parts.Optimizer.LearningRate = lr;
            var stats = _parts.Runner.Run(_batch.Size, _chunkLoss);
            learner.EnsureFinite(stats.Loss, "the REINFORCE loss");
            _parts.ClipAndStep(o.MaxGradNorm);
            metrics.Set(MetricNames.PolicyLoss, stats.PolicyLoss);
            metrics.Set(MetricNames.Entropy, stats.Entropy);
            if (Options.Baseline && _parts.ValueFit is null)
            {
                metrics.Set(MetricNames.ValueLoss, stats.ValueLoss);
            }
        }

        if (_parts.ValueFit is { } valueFit)
        {
            double valueLoss = valueFit.Fit(o.TrainValueIterations, ValueFit.ScheduledRate(o.ValueLearningRate, o.LearningRate, lr), o.MaxGradNorm, learner);
            metrics.Set(MetricNames.ValueLoss, valueLoss);
        }

        metrics.Set(MetricNames.LearningRate, lr);
        return true;
    }

    /// <summary>
    /// Loads the rollout into the batch and overwrites its advantage column with the policy-gradient weights
    /// <c>w_t = u_t * (N / M) * A_t</c>: A_t = psi_t - b(s_t), standardised over the used steps when asked; u_t is 1 for a
    /// used step and 0 for the tail without a baseline (class remarks); N / M turns the batch mean over all N rows into
    /// the mean over the M used ones. Returns M.
    /// </summary>
    internal int PrepareWeights()
    {
        var o = Options.OnPolicy;
        var buffer = _parts.Learner.Buffer;
        _batch.Load(buffer, _indices);
        int rows = _batch.Size;

        // G_t = r_t + gamma * G_{t+1}, cut at terminated. With a baseline the buffer's Monte Carlo estimator has already
        // bootstrapped V(final obs) at truncations and V(s_T) at the rollout end; without one both bootstraps are 0 and
        // the unfinished tail is masked out below.
        ReadOnlySpan<double> returnsToGo;
        int used;
        if (Options.Baseline)
        {
            returnsToGo = buffer.Returns;
            _used.AsSpan().Fill(1.0);
            used = rows;
        }
        else
        {
            AdvantageEstimators.MonteCarlo(buffer.Rewards, _zeros, buffer.Terminated, buffer.Truncated, _zeros,
                _zeros.AsSpan(0, buffer.NumEnvs), o.Gamma, _scratch, _returnsToGo);
            returnsToGo = _returnsToGo;
            used = ReinforceReturns.MarkEndedEpisodes(buffer.Terminated, buffer.Truncated, buffer.NumEnvs, _used);
        }

        // psi_t: the reward-to-go G_t, or Williams' whole-episode return R (the same for every step of an episode)
        ReadOnlySpan<double> psi = returnsToGo;
        if (!Options.RewardToGo)
        {
            ReinforceReturns.WholeEpisodeReturns(buffer.Rewards, returnsToGo, buffer.Terminated, buffer.Truncated, o.Gamma,
                _carryReturn, _carryDiscount, _wholeReturns);
            psi = _wholeReturns;
        }

        // A_t = psi_t - b(s_t), with b = V from the rollout (a constant here) or 0
        var a = _batch.Advantages.Data;
        ReadOnlySpan<double> values = buffer.Values;
        for (int i = 0; i < rows; i++)
        {
            a[i] = Options.Baseline ? psi[i] - values[i] : psi[i];
        }

        if (used == 0)
        {
            return 0;
        }

        double mean = 0, scale = 1.0;
        if (o.NormalizeAdvantage && used > 1)
        {
            // standardised over the used steps: unbiased std + 1e-8, as Minibatch.NormalizeAdvantages (SB3)
            double sum = 0, ss = 0;
            for (int i = 0; i < rows; i++)
            {
                sum += _used[i] * a[i];
            }

            mean = sum / used;
            for (int i = 0; i < rows; i++)
            {
                double d = a[i] - mean;
                ss += _used[i] * d * d;
            }

            scale = 1.0 / (Math.Sqrt(ss / (used - 1)) + 1e-8);
        }

        double rowsPerUsed = (double)rows / used;
        for (int i = 0; i < rows; i++)
        {
            a[i] = _used[i] * rowsPerUsed * ((a[i] - mean) * scale);
        }

        return used;
    }

    /// <summary>
    /// Loads the carried whole-episode returns (<c>carry_return.e</c>, <c>carry_discount.e</c>) of a checkpoint.
    /// </summary>
    /// <param name="state">The saved name/value pairs.</param>
    public void LoadExtraState(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        for (int e = 0; e < _carryReturn.Length; e++)
        {
            _carryReturn[e] = state.TryGetValue(CarryReturnKey(e), out double r) ? r : 0.0;
            _carryDiscount[e] = state.TryGetValue(CarryDiscountKey(e), out double d) ? d : 1.0;
        }
    }

    /// <summary>
    /// Saves, per env, the running episode's discounted rewards before the next rollout and gamma^(its length so far):
    /// the whole-episode return needs them to continue bit-exactly after a resume.
    /// </summary>
    /// <param name="state">Where to write name/value pairs.</param>
    public void SaveExtraState(IDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (Options.RewardToGo)
        {
            return;
        }

        for (int e = 0; e < _carryReturn.Length; e++)
        {
            state[CarryReturnKey(e)] = _carryReturn[e];
            state[CarryDiscountKey(e)] = _carryDiscount[e];
        }
    }

    private static string CarryReturnKey(int env) => $"carry_return.{env}";

    private static string CarryDiscountKey(int env) => $"carry_discount.{env}";

    /// <summary>
    /// One chunk of the batch, REINFORCE's loss in the paper's order: the policy-gradient term, the entropy bonus, and
    /// with a jointly trained baseline its regression: <c>L = L_pg - EntCoef * mean(H) + VfCoef * L_baseline</c>.
    /// </summary>
    private Tensor ChunkLoss(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats)
    {
        var (obs, actions) = _batch.Inputs(tape, start, count);
        var weights = Minibatch.Rows(tape, _batch.Advantages, start, count);
        bool withValue = Options.Baseline && _parts.ValueFit is null;
        var eval = policy.Evaluate(tape, obs, actions, withValue);
        // Williams' eligibility times reinforcement, (psi_t - b(s_t)) grad log pi(a_t|s_t), as a loss to descend:
        // L_pg = -(1/M) sum_{used t} A_t log pi(a_t|s_t) = -mean_t(w_t log pi(a_t|s_t)); w_t is data, only log pi is differentiated
        var policyLoss = tape.Scale(tape.Mean(tape.Mul(eval.LogProb, weights)), -1.0);
        // entropy bonus: mean_t H[pi](s_t) over every visited state, subtracted so that a larger entropy lowers the loss
        var entropy = tape.Mean(eval.Entropy);
        var loss = tape.Sub(policyLoss, tape.Scale(entropy, Options.OnPolicy.EntCoef));
        if (withValue)
        {
            // learned baseline: L_baseline = mean_t (V(s_t) - G_t)^2 towards the Monte Carlo returns (bootstrapped as above)
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
