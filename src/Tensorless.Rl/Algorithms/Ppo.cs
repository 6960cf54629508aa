using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Envs;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Proximal Policy Optimization (Schulman et al. 2017) as Stable-Baselines3 and CleanRL implement it: after each rollout,
/// <see cref="PpoOptions.NumEpochs"/> passes over shuffled minibatches of the clipped surrogate (or the adaptive KL
/// penalty objective of the paper's section 4) plus value and entropy terms, with global-norm gradient clipping and an
/// optional early stop once approx KL passes <see cref="PpoOptions.TargetKl"/>. With
/// <see cref="PpoOptions.TrainValueIterations"/> &gt; 0 the PPO seed's variant runs instead: the policy loss alone drives
/// the actor and a separate optimizer fits the value network for that many full-batch steps.
/// Each minibatch's gradient is computed in cache-sized chunks, on <see cref="PpoOptions.Threads"/> threads.
/// </summary>
public sealed class Ppo : IOnPolicyAlgorithm, IDisposable
{
    private readonly ActorCriticParts _parts;
    private readonly DataParallelRunner.ChunkLoss _chunkLoss;
    private readonly Minibatch _minibatch;
    private readonly int[] _indices;
    private double _clip;

    /// <summary>Builds PPO on <paramref name="env"/>; the options are validated first.</summary>
    /// <exception cref="ArgumentException">An option is invalid (the message names it).</exception>
    public Ppo(IVectorEnv env, PpoOptions options)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { NumEnvs = env.NumEnvs };
        options.Validate();
        Options = options;
        KlBeta = options.KlBetaInit;
        _parts = new ActorCriticParts(env, new RolloutSettings(options.NumSteps, options.Gamma, options.GaeLambda, options.AdvantageEstimator,
                options.NStep, options.Seed, options.NormalizeObservations, options.NormalizeRewards), options.Policy, Update,
            options.Threads, options.Optimizer, options.LearningRate, options.OptimizerEps, options.RmsPropAlpha,
            options.TrainValueIterations, options.ValueLearningRate, options.RolloutSize);
        _chunkLoss = ChunkLoss;
        _minibatch = new Minibatch(options.BatchSize, env.ObservationSize, env.ActionSize);
        _indices = new int[options.RolloutSize];
    }

    /// <summary>The validated options (with NumEnvs taken from the env).</summary>
    public PpoOptions Options { get; }

    /// <inheritdoc />
    public string Algorithm => "ppo";

    /// <inheritdoc />
    public string EnvId => _parts.Learner.Env.Id;

    /// <inheritdoc />
    object IOnPolicyAlgorithm.Options => Options;

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

    private bool Update(double progressRemaining, MetricsRecord metrics)
    {
        var o = Options;
        double lr = o.LearningRateSchedule.Evaluate(o.LearningRate, progressRemaining);
        _clip = o.ClipRangeSchedule.Evaluate(o.ClipRange, progressRemaining);
        var learner = _parts.Learner;
        _parts.Optimizer.LearningRate = lr;
        var buffer = learner.Buffer;
        var totals = default(UpdateStats);
        int steps = 0;
        int epochsRun = 0;
        double lastEpochKl = 0;
        bool stop = false;
        // one minibatch holding the whole rollout (the seeds' full-batch policy iterations): the order of its rows does
        // not matter, so it is gathered and normalised once rather than shuffled and gathered every epoch
        bool fullBatch = o.BatchSize == _indices.Length;
        if (fullBatch)
        {
            LoadMinibatch(buffer, identity: true, 0);
        }

        for (int epoch = 0; epoch < o.NumEpochs && !stop; epoch++)
        {
            if (!fullBatch)
            {
                Shuffle(_indices, learner.Rng);
            }

            double epochKl = 0;
            int batches = 0;
            for (int start = 0; start < _indices.Length; start += o.BatchSize)
            {
                if (!fullBatch)
                {
                    LoadMinibatch(buffer, identity: false, start);
                }

                var stats = _parts.Runner.Run(o.BatchSize, _chunkLoss);
                if (o.TargetKl is double targetKl && stats.ApproxKl > o.TargetKlFactor * targetKl)
                {
                    // SB3 and the PPO seed stop the policy iterations once the new policy has moved too far; this
                    // minibatch's gradient is dropped, as SB3 checks before its step
                    stop = true;
                    break;
                }

                learner.EnsureFinite(stats.Loss, "the PPO loss");
                if (o.MaxGradNorm is double maxNorm)
                {
                    GradientClipping.ClipByGlobalNorm(_parts.PolicyParameters, maxNorm);
                }

                _parts.Optimizer.Step();
                totals.Add(stats);
                steps++;
                epochKl += stats.ApproxKl;
                batches++;
            }

            if (batches > 0)
            {
                epochsRun++;
                lastEpochKl = epochKl / batches;
            }
        }

        if (o.PolicyObjective == PolicyObjective.AdaptiveKlPenalty && epochsRun > 0)
        {
            KlBeta = AdaptiveKlPenalty.NextBeta(KlBeta, lastEpochKl, o.KlTarget);
        }

        double valueLoss = steps > 0 ? totals.ValueLoss / steps : double.NaN;
        if (_parts.ValueFit is { } valueFit)
        {
            valueLoss = valueFit.Fit(o.TrainValueIterations, ValueFit.ScheduledRate(o.ValueLearningRate, o.LearningRate, lr), o.MaxGradNorm, learner);
        }

        if (steps > 0)
        {
            metrics.Set(MetricNames.PolicyLoss, totals.PolicyLoss / steps);
            metrics.Set(MetricNames.Entropy, totals.Entropy / steps);
            metrics.Set(MetricNames.ApproxKl, totals.ApproxKl / steps);
            metrics.Set(MetricNames.ClipFraction, totals.ClipFraction / steps);
        }

        metrics.Set(MetricNames.ValueLoss, valueLoss);
        metrics.Set(MetricNames.LearningRate, lr);
        metrics.Set("clip_range", _clip);
        metrics.Set("epochs", (long)epochsRun);
        if (o.PolicyObjective == PolicyObjective.AdaptiveKlPenalty)
        {
            metrics.Set("kl_beta", KlBeta);
        }

        return true;
    }

    /// <summary>Gathers the minibatch starting at <paramref name="start"/> of the shuffled order (or the whole rollout in order) and normalises its advantages.</summary>
    private void LoadMinibatch(RolloutBuffer buffer, bool identity, int start)
    {
        if (identity)
        {
            for (int i = 0; i < _indices.Length; i++)
            {
                _indices[i] = i;
            }
        }

        _minibatch.Load(buffer, _indices.AsSpan(start, Options.BatchSize));
        if (Options.NormalizeAdvantage)
        {
            _minibatch.NormalizeAdvantages();
        }
    }

    /// <summary>One chunk of a minibatch: policy term, entropy bonus and (unless fitted separately) the value term.</summary>
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

        Tensor policyLoss;
        if (o.PolicyObjective == PolicyObjective.Clip)
        {
            policyLoss = tape.PpoClipLoss(eval.LogProb, oldLogProbs, advantages, _clip);
        }
        else
        {
            // -mean(r A) + beta mean(log pi_old - log pi), the PPO paper's KL-penalty objective (section 4)
            var ratio = tape.Exp(tape.Sub(eval.LogProb, oldLogProbs));
            var surrogate = tape.Mean(tape.Mul(ratio, advantages));
            var kl = tape.Mean(tape.Sub(oldLogProbs, eval.LogProb));
            policyLoss = tape.Sub(tape.Scale(kl, KlBeta), surrogate);
        }

        var entropy = tape.Mean(eval.Entropy);
        var loss = tape.Sub(policyLoss, tape.Scale(entropy, o.EntCoef));
        if (withValue)
        {
            var value = eval.Value!;
            var returns = Minibatch.Rows(tape, mb.Returns, start, count);
            if (o.ClipRangeVf is double c)
            {
                // SB3's clipped prediction V_old + clamp(V - V_old, -c, c)
                var oldValues = Minibatch.Rows(tape, mb.OldValues, start, count);
                value = tape.Add(oldValues, tape.Clamp(tape.Sub(value, oldValues), -c, c));
            }

            var valueLoss = tape.Mse(value, returns);
            loss = tape.Add(loss, tape.Scale(valueLoss, o.VfCoef));
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
    internal static (double ApproxKl, double ClipFraction) RatioStatistics(ReadOnlySpan<double> logProb, ReadOnlySpan<double> oldLogProb, double clipRange)
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

    /// <summary>Fisher-Yates shuffle of 0..n-1 from the learner's generator.</summary>
    internal static void Shuffle(int[] indices, Xoshiro256 rng)
    {
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        for (int i = indices.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
    }
}
