using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// A2C's update in steps (<see cref="IMinibatchUpdate"/>): one minibatch, the whole rollout, and one gradient step on
/// it. <see cref="Update"/> is the loop over them.
/// </summary>
public sealed partial class A2c : IMinibatchUpdate
{
    private UpdateStats _passStats;
    private double _passLearningRate;
    private bool _passActive, _passLoaded, _passPending, _passAccepted;

    /// <inheritdoc />
    public Minibatch CurrentMinibatch => _batch;

    /// <inheritdoc />
    public int CurrentRows => _batch.Size;

    /// <inheritdoc />
    public IOptimizer UpdateOptimizer => _parts.Optimizer;

    /// <inheritdoc />
    public bool TrainsValueJointly => _parts.ValueFit is null;

    /// <inheritdoc />
    public void BeginUpdatePass(double progressRemaining)
    {
        var o = Options.OnPolicy;
        _passLearningRate = o.LearningRateSchedule.Evaluate(o.LearningRate, progressRemaining);
        _parts.Optimizer.LearningRate = _passLearningRate;
        _passStats = default;
        _passActive = true;
        _passLoaded = false;
        _passPending = false;
        _passAccepted = false;
    }

    /// <inheritdoc />
    public bool NextMinibatch()
    {
        CheckPass();
        if (_passPending)
        {
            throw new InvalidOperationException("The batch NextMinibatch loaded is still waiting for its gradient; call AcceptGradient first.");
        }

        if (_passLoaded)
        {
            return false;
        }

        _passLoaded = true;
        _passPending = true;
        _batch.Load(_parts.Learner.Buffer, _indices);
        if (Options.OnPolicy.NormalizeAdvantage)
        {
            _batch.NormalizeAdvantages();
        }

        return true;
    }

    /// <inheritdoc />
    public bool AcceptGradient(in UpdateStats stats)
    {
        CheckPass();
        if (!_passPending)
        {
            throw new InvalidOperationException("AcceptGradient takes the gradient of the batch NextMinibatch loaded; call NextMinibatch first.");
        }

        _passPending = false;
        _parts.Learner.EnsureFinite(stats.Loss, "the A2C loss");
        _passStats = stats;
        _passAccepted = true;
        return true;
    }

    /// <inheritdoc />
    public void EndUpdatePass(MetricsRecord metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        CheckPass();
        if (!_passAccepted)
        {
            throw new InvalidOperationException("A2C's pass ends after its one gradient was accepted (NextMinibatch, then AcceptGradient).");
        }

        _passActive = false;
        var o = Options.OnPolicy;
        var stats = _passStats;
        double valueLoss = stats.ValueLoss;
        if (_parts.ValueFit is { } valueFit)
        {
            valueLoss = valueFit.Fit(o.TrainValueIterations, ValueFit.ScheduledRate(o.ValueLearningRate, o.LearningRate, _passLearningRate), o.MaxGradNorm, _parts.Learner);
        }

        metrics.Set(MetricNames.PolicyLoss, stats.PolicyLoss);
        metrics.Set(MetricNames.Entropy, stats.Entropy);
        metrics.Set(MetricNames.ValueLoss, valueLoss);
        metrics.Set(MetricNames.LearningRate, _passLearningRate);
    }

    private void CheckPass()
    {
        if (!_passActive)
        {
            throw new InvalidOperationException("No A2C update pass is under way; call BeginUpdatePass first.");
        }
    }
}
