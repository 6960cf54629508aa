using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// PPO's update in steps (<see cref="IMinibatchUpdate"/>): epochs of shuffled minibatches, each gradient checked against
/// the target KL before its step. <see cref="Update"/> is the loop over them.
/// </summary>
public sealed partial class Ppo : IMinibatchUpdate
{
    private UpdateStats _passTotals;
    private double _passLearningRate;
    private int _passEpoch, _passStart, _passBatches, _passSteps, _passEpochsRun;
    private bool _passStop, _passFullBatch, _passActive, _passPending;

    /// <inheritdoc />
    public Minibatch CurrentMinibatch => _minibatch;

    /// <inheritdoc />
    public int CurrentRows => Options.MinibatchSize;

    /// <summary>The clip range of the pass under way (the schedule at its progress).</summary>
    public double CurrentClipRange => _clip;

    /// <inheritdoc />
    public IOptimizer UpdateOptimizer => _parts.Optimizer;

    /// <inheritdoc />
    public bool TrainsValueJointly => _parts.ValueFit is null;

    /// <summary>Starts one update's pass: the schedules' learning rate and clip range at <paramref name="progressRemaining"/>.</summary>
    /// <param name="progressRemaining">1 at the start of training, 0 at the end.</param>
    public void BeginUpdatePass(double progressRemaining)
    {
        var shared = Options.OnPolicy;
        _passLearningRate = shared.LearningRateSchedule.Evaluate(shared.LearningRate, progressRemaining);
        _clip = Options.ClipRangeSchedule.Evaluate(Options.ClipRange, progressRemaining);
        _parts.Optimizer.LearningRate = _passLearningRate;
        _passTotals = default;
        _passEpoch = _passStart = _passBatches = _passSteps = _passEpochsRun = 0;
        _passStop = false;
        _passActive = true;
        _passPending = false;
        // one minibatch holding the whole rollout (the seeds' full-batch policy iterations): the order of its rows does
        // not matter, so it is gathered and normalised once rather than shuffled and gathered every epoch
        _passFullBatch = Options.MinibatchSize == _indices.Length;
        if (_passFullBatch)
        {
            LoadMinibatch(_parts.Learner.Buffer, identity: true, 0);
        }
    }

    /// <summary>
    /// Loads the pass's next minibatch into <see cref="CurrentMinibatch"/> (shuffling the rollout from the learner's
    /// generator at each epoch's start); false once every epoch ran or the target KL stopped the pass.
    /// </summary>
    /// <exception cref="InvalidOperationException">No pass is under way.</exception>
    public bool NextMinibatch()
    {
        CheckPass();
        CheckPending(expected: false);
        if (_passStop || _passEpoch >= Options.NumEpochs)
        {
            return false;
        }

        if (!_passFullBatch)
        {
            if (_passStart == 0)
            {
                Minibatch.Shuffle(_indices, _parts.Learner.Rng);
            }

            LoadMinibatch(_parts.Learner.Buffer, identity: false, _passStart);
        }

        _passPending = true;
        return true;
    }

    /// <summary>
    /// Takes the current minibatch's diagnostics: false when its approximate KL passed the target (SB3 and the PPO seed
    /// stop the pass there and drop this gradient, as SB3 checks before its step); otherwise counts them and returns
    /// true, and the caller clips and steps.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss is NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">No pass is under way.</exception>
    public bool AcceptGradient(in UpdateStats stats)
    {
        CheckPass();
        CheckPending(expected: true);
        _passPending = false;
        if (Options.TargetKl is double targetKl && stats.ApproxKl > Options.TargetKlFactor * targetKl)
        {
            _passStop = true;
            EndEpoch();
            return false;
        }

        _parts.Learner.EnsureFinite(stats.Loss, "the PPO loss");
        _passTotals.Add(stats);
        _passSteps++;
        _passBatches++;
        _passStart += Options.MinibatchSize;
        if (_passStart >= _indices.Length)
        {
            EndEpoch();
            _passEpoch++;
            _passStart = 0;
        }

        return true;
    }

    /// <summary>Ends the pass: the adaptive penalty's beta, the seeds' separate value fit, and the update's metrics into <paramref name="metrics"/>.</summary>
    /// <exception cref="InvalidOperationException">No pass is under way.</exception>
    public void EndUpdatePass(MetricsRecord metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        CheckPass();
        _passActive = false;
        var o = Options;
        var shared = o.OnPolicy;
        var learner = _parts.Learner;
        int steps = _passSteps;
        var totals = _passTotals;
        if (o.PolicyObjective == PolicyObjective.AdaptiveKlPenalty && _passEpochsRun > 0)
        {
            // PPO paper, section 4: "compute d = E_t[KL[pi_old(.|s_t), pi_theta(.|s_t)]]" after the epochs of the update;
            // the KL seen before each minibatch step lags one step behind (and is 0 for a single full-batch epoch)
            double rolloutKl = RolloutKlAfterUpdate(learner.Buffer);
            if (learner.GradientReducer is { } reducer)
            {
                // every learner of a data-parallel group must move beta the same way
                rolloutKl = reducer.Mean(rolloutKl);
            }

            KlBeta = AdaptiveKlPenalty.NextBeta(KlBeta, rolloutKl, o.KlPenaltyTarget);
        }

        double valueLoss = steps > 0 ? totals.ValueLoss / steps : double.NaN;
        if (_parts.ValueFit is { } valueFit)
        {
            valueLoss = valueFit.Fit(shared.TrainValueIterations, ValueFit.ScheduledRate(shared.ValueLearningRate, shared.LearningRate, _passLearningRate), shared.MaxGradNorm, learner);
        }

        if (steps > 0)
        {
            metrics.Set(MetricNames.PolicyLoss, totals.PolicyLoss / steps);
            metrics.Set(MetricNames.Entropy, totals.Entropy / steps);
            metrics.Set(MetricNames.ApproxKl, totals.ApproxKl / steps);
            metrics.Set(MetricNames.ClipFraction, totals.ClipFraction / steps);
        }

        metrics.Set(MetricNames.ValueLoss, valueLoss);
        metrics.Set(MetricNames.LearningRate, _passLearningRate);
        metrics.Set("clip_range", _clip);
        metrics.Set("epochs", (long)_passEpochsRun);
        if (o.PolicyObjective == PolicyObjective.AdaptiveKlPenalty)
        {
            metrics.Set("kl_beta", KlBeta);
        }
    }

    // an epoch counts when at least one of its minibatches stepped
    private void EndEpoch()
    {
        if (_passBatches > 0)
        {
            _passEpochsRun++;
        }

        _passBatches = 0;
    }

    private void CheckPass()
    {
        if (!_passActive)
        {
            throw new InvalidOperationException("No PPO update pass is under way; call BeginUpdatePass first.");
        }
    }

    // NextMinibatch and AcceptGradient alternate: a second NextMinibatch would reshuffle or skip the pending minibatch
    private void CheckPending(bool expected)
    {
        if (_passPending != expected)
        {
            throw new InvalidOperationException(expected
                ? "AcceptGradient takes the gradient of the minibatch NextMinibatch loaded; call NextMinibatch first."
                : "The minibatch NextMinibatch loaded is still waiting for its gradient; call AcceptGradient first.");
        }
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

        _minibatch.Load(buffer, _indices.AsSpan(start, Options.MinibatchSize));
        if (Options.OnPolicy.NormalizeAdvantage)
        {
            _minibatch.NormalizeAdvantages();
        }
    }
}
