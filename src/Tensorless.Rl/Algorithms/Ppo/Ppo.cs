using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Proximal Policy Optimization (Schulman et al. 2017, arXiv:1707.06347) as Stable-Baselines3 and CleanRL implement it.
/// After each rollout (collected by <see cref="OnPolicyLearner"/>, advantages from <see cref="Advantages.AdvantageEstimators"/>),
/// <see cref="PpoOptions.NumEpochs"/> passes over shuffled minibatches minimise
/// <c>L = L_policy + VfCoef * L_value - EntCoef * H</c>, with global-norm gradient clipping and an optional early stop
/// once approx KL passes <see cref="PpoOptions.TargetKl"/>. The policy term is the clipped surrogate (section 3) or the
/// adaptive KL penalty objective (section 4). With <see cref="OnPolicyOptions.TrainValueIterations"/> &gt; 0 the PPO
/// seed's variant runs: the policy loss alone drives the actor and a separate optimizer fits the value network.
/// Each minibatch's gradient is computed in cache-sized chunks on <see cref="OnPolicyOptions.Threads"/> threads.
/// </summary>
public sealed partial class Ppo : IOnPolicyAlgorithm
{
    private readonly ActorCriticParts _parts;
    private readonly DataParallelRunner.ChunkLoss _chunkLoss;
    private readonly Minibatch _minibatch;
    private readonly int[] _indices;
    private readonly Tape _klTape = new(recording: false);
    private double _clip;

    /// <summary>Builds PPO on <paramref name="env"/>; the options are validated first (NumEnvs is taken from the env).</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public Ppo(IVectorEnv env, PpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { OnPolicy = options.OnPolicy with { NumEnvs = env.NumEnvs } };
        options.Validate();
        Options = options;
        KlBeta = options.KlBetaInit;
        _parts = new ActorCriticParts(env, options.OnPolicy, Update);
        _chunkLoss = ChunkLoss;
        _minibatch = new Minibatch(options.MinibatchSize, env.ObservationSize, env.ActionSize);
        _indices = new int[options.OnPolicy.RolloutSize];
    }

    /// <summary>The validated options (with NumEnvs taken from the env).</summary>
    public PpoOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "ppo";

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

    /// <summary>The current penalty coefficient beta of the adaptive-KL objective.</summary>
    public double KlBeta { get; set; }

    /// <inheritdoc />
    public TrainingProgress Learn(long totalSteps, params ITrainingCallback[] callbacks) => _parts.Learner.Learn(totalSteps, callbacks);

    /// <summary>Stops the update threads, if any.</summary>
    public void Dispose() => _parts.Runner.Dispose();

    /// <inheritdoc />
    public void SaveExtraState(IDictionary<string, double> state)
    {
        if (Options.PolicyObjective == PolicyObjective.AdaptiveKlPenalty)
        {
            state["kl_beta"] = KlBeta;
        }
    }

    /// <inheritdoc />
    public void LoadExtraState(IReadOnlyDictionary<string, double> state)
    {
        if (state.TryGetValue("kl_beta", out double beta))
        {
            KlBeta = beta;
        }
    }

    /// <summary>
    /// One PPO update on the rollout in <see cref="OnPolicyLearner.Buffer"/>: epochs of shuffled minibatches, each a
    /// clipped gradient step, then the adaptive penalty's beta and the seeds' separate value fit. Fills
    /// <paramref name="metrics"/>; allocates nothing. It is the loop over the stepwise form (<see cref="BeginUpdatePass"/>,
    /// <see cref="NextMinibatch"/>, <see cref="AcceptGradient"/>, <see cref="EndUpdatePass"/>) that a population's device
    /// runs for many agents in lockstep.
    /// </summary>
    /// <param name="progressRemaining">1 at the start of training, 0 at the end (drives the schedules).</param>
    /// <param name="metrics">The record this update's losses and diagnostics go into.</param>
    /// <returns>True (PPO never asks to stop training).</returns>
    public bool Update(double progressRemaining, MetricsRecord metrics)
    {
        var o = Options;
        var shared = o.OnPolicy;
        BeginUpdatePass(progressRemaining);

        // on a device that takes the optimizer's step itself, parameters and optimizer state stay there for the epochs
        var device = _parts.Learner.Device;
        bool stepOnDevice = device?.BeginUpdate(_parts.Optimizer) ?? false;
        try
        {
            while (NextMinibatch())
            {
                var stats = device is not null
                    ? device.PpoClipGradient(_minibatch, o.MinibatchSize, _clip, shared.EntCoef, shared.VfCoef, withValue: _parts.ValueFit is null)
                    : _parts.Runner.Run(o.MinibatchSize, _chunkLoss);
                if (!AcceptGradient(stats))
                {
                    break;
                }

                if (stepOnDevice)
                {
                    device!.Step(shared.MaxGradNorm);
                }
                else
                {
                    _parts.ClipAndStep(shared.MaxGradNorm);
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
    /// The clipped surrogate objective, negated as a loss (PPO paper, eq. 7):
    /// <c>L_CLIP = -mean_t min(r_t A_t, clip(r_t, 1 - eps, 1 + eps) A_t)</c> with <c>r_t = exp(log pi(a_t|s_t) - log pi_old(a_t|s_t))</c>.
    /// Runs as one fused op with an analytic backward (<see cref="Tape.ClippedSurrogateLoss"/>); <see cref="ClippedSurrogateComposed"/>
    /// builds the same loss from plain ops, and a test holds the two to the same value and gradient.
    /// </summary>
    internal static Tensor ClippedSurrogate(Tape tape, Tensor logProb, Tensor oldLogProb, Tensor advantages, double clipRange) =>
        tape.ClippedSurrogateLoss(logProb, oldLogProb, advantages, clipRange);

    /// <summary>The clipped surrogate written op by op, exactly as eq. 7 reads (the reference for the fused op).</summary>
    internal static Tensor ClippedSurrogateComposed(Tape tape, Tensor logProb, Tensor oldLogProb, Tensor advantages, double clipRange)
    {
        var ratio = tape.Exp(tape.Sub(logProb, oldLogProb));
        var unclipped = tape.Mul(ratio, advantages);
        var clipped = tape.Mul(tape.Clamp(ratio, 1.0 - clipRange, 1.0 + clipRange), advantages);
        return tape.Scale(tape.Mean(tape.Minimum(unclipped, clipped)), -1.0);
    }

    /// <summary>
    /// The KL-penalised surrogate, negated as a loss (PPO paper, eq. 8):
    /// <c>L_KLPEN = -mean_t(r_t A_t) + beta * mean_t(log pi_old - log pi)</c>, the second mean estimating KL(pi_old || pi).
    /// </summary>
    internal static Tensor KlPenalizedSurrogate(Tape tape, Tensor logProb, Tensor oldLogProb, Tensor advantages, double beta)
    {
        var ratio = tape.Exp(tape.Sub(logProb, oldLogProb));
        var surrogate = tape.Mean(tape.Mul(ratio, advantages));
        var kl = tape.Mean(tape.Sub(oldLogProb, logProb));
        return tape.Sub(tape.Scale(kl, beta), surrogate);
    }

    /// <summary>
    /// The value loss (PPO paper, eq. 9: <c>L_VF = (V(s_t) - V_targ)^2</c>, as a mean): with <see cref="PpoOptions.ClipRangeVf"/>
    /// set, SB3's clipped prediction <c>V_old + clamp(V - V_old, -c, c)</c> replaces <c>V</c>.
    /// </summary>
    internal static Tensor ValueLoss(Tape tape, Tensor value, Tensor returns, Tensor oldValues, double? clipRangeVf)
    {
        if (clipRangeVf is double c)
        {
            value = tape.Add(oldValues, tape.Clamp(tape.Sub(value, oldValues), -c, c));
        }

        return tape.Mse(value, returns);
    }

    /// <summary>
    /// The loss of one chunk of a minibatch, PPO paper eq. 9 as a loss to minimise:
    /// <c>L = L_policy + VfCoef * L_VF - EntCoef * mean(H[pi](s_t))</c> (the value term only when policy and value train jointly).
    /// </summary>
    private Tensor ChunkLoss(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats)
    {
        var o = Options;
        var mb = _minibatch;
        var (obs, actions) = mb.Inputs(tape, start, count);
        var oldLogProbs = Minibatch.Rows(tape, mb.OldLogProbs, start, count);
        var advantages = Minibatch.Rows(tape, mb.Advantages, start, count);
        bool withValue = _parts.ValueFit is null;
        var eval = policy.Evaluate(tape, obs, actions, withValue);
        var (approxKl, clipFraction) = RatioStatistics(eval.LogProb.Data, oldLogProbs.Data, _clip);

        var policyLoss = o.PolicyObjective == PolicyObjective.Clip
            ? ClippedSurrogate(tape, eval.LogProb, oldLogProbs, advantages, _clip)
            : KlPenalizedSurrogate(tape, eval.LogProb, oldLogProbs, advantages, KlBeta);
        var entropy = tape.Mean(eval.Entropy);
        var loss = tape.Sub(policyLoss, tape.Scale(entropy, o.OnPolicy.EntCoef));
        if (withValue)
        {
            var returns = Minibatch.Rows(tape, mb.Returns, start, count);
            var oldValues = o.ClipRangeVf is null ? returns : Minibatch.Rows(tape, mb.OldValues, start, count);
            var valueLoss = ValueLoss(tape, eval.Value!, returns, oldValues, o.ClipRangeVf);
            loss = tape.Add(loss, tape.Scale(valueLoss, o.OnPolicy.VfCoef));
            stats.ValueLoss += weight * valueLoss.Data[0];
        }

        stats.Loss += weight * loss.Data[0];
        stats.PolicyLoss += weight * policyLoss.Data[0];
        stats.Entropy += weight * entropy.Data[0];
        stats.ApproxKl += weight * approxKl;
        stats.ClipFraction += weight * clipFraction;
        return tape.Scale(loss, weight);
    }

    /// <summary>
    /// Approximate KL(old || new) by Schulman's low-variance estimator <c>mean((r - 1) - log r)</c> (as SB3 and CleanRL log
    /// it) and the fraction of ratios outside [1 - clip, 1 + clip].
    /// </summary>
    public static (double ApproxKl, double ClipFraction) RatioStatistics(ReadOnlySpan<double> logProb, ReadOnlySpan<double> oldLogProb, double clipRange)
    {
        double kl = 0;
        int clipped = 0;
        for (int i = 0; i < logProb.Length; i++)
        {
            double logRatio = logProb[i] - oldLogProb[i];
            double ratio = Math.Exp(logRatio);
            kl += ratio - 1.0 - logRatio;
            if (Math.Abs(ratio - 1.0) > clipRange)
            {
                clipped++;
            }
        }

        return (kl / logProb.Length, (double)clipped / logProb.Length);
    }

    /// <summary>
    /// Mean approx KL(pi_old || pi_theta) over the whole rollout under the updated weights (the same estimator as
    /// <see cref="RatioStatistics"/>): one forward pass in cache-sized chunks on an inference tape, allocation-free.
    /// </summary>
    private double RolloutKlAfterUpdate(RolloutBuffer buffer)
    {
        var policy = _parts.Learner.Policy;
        int obsSize = buffer.ObservationSize;
        int actSize = buffer.ActionSize;
        int rows = buffer.Count;
        double sum = 0;
        for (int start = 0; start < rows; start += KlChunkRows)
        {
            int count = Math.Min(KlChunkRows, rows - start);
            _klTape.Reset();
            var obs = _klTape.Constant(buffer.Observations.Slice(start * obsSize, count * obsSize), count, obsSize);
            var actions = _klTape.Constant(buffer.Actions.Slice(start * actSize, count * actSize), count, actSize);
            ReadOnlySpan<double> logProb = policy.Evaluate(_klTape, obs, actions, withValue: false).LogProb.Data;
            ReadOnlySpan<double> oldLogProb = buffer.LogProbs.Slice(start, count);
            for (int i = 0; i < count; i++)
            {
                double logRatio = logProb[i] - oldLogProb[i];
                sum += Math.Exp(logRatio) - 1.0 - logRatio;
            }
        }

        return sum / rows;
    }

    /// <summary>Rows per forward pass of <see cref="RolloutKlAfterUpdate"/> (cache-sized, as the update's chunks).</summary>
    private const int KlChunkRows = 512;
}
