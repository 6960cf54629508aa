using System.Globalization;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Runs;

/// <summary>
/// Notices training that stays finite but explodes (a learning rate of 1e6 gives parameters of 6e6 and a value loss of
/// 4e9 without a single NaN): the first update whose value loss passes <see cref="ValueLossBound"/> or whose approx KL
/// passes <see cref="ApproxKlBound"/> becomes <see cref="Warning"/>. Training goes on; the run reports it in summary.json
/// (<c>warning</c>) and the CLI on stderr.
/// </summary>
internal sealed class ExplosionWatch : ITrainingCallback
{
    /// <summary>A value loss past this (a squared error of 1e4 per step) is no longer learning anything.</summary>
    public const double ValueLossBound = 1e8;

    /// <summary>An approx KL past this between consecutive policies (PPO targets ~0.01) means the update threw the policy away.</summary>
    public const double ApproxKlBound = 10;

    /// <summary>What exploded first, or null.</summary>
    public string? Warning { get; private set; }

    public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
    {
        if (Warning is null)
        {
            string? what = Past(metrics, MetricNames.ValueLoss, ValueLossBound) ?? Past(metrics, MetricNames.ApproxKl, ApproxKlBound);
            if (what is not null)
            {
                Warning = string.Create(CultureInfo.InvariantCulture,
                    $"training is exploding: at update {progress.Updates} {what}; the numbers are finite but meaningless. Try a lower learning rate, gradient clipping (max_grad_norm) or observation normalisation.");
            }
        }

        return true;
    }

    private static string? Past(MetricsRecord metrics, string name, double bound) =>
        metrics.TryGet(name, out var value) && value.AsDouble() is double v && Math.Abs(v) > bound
            ? string.Create(CultureInfo.InvariantCulture, $"{name} was {v:G3} (sane runs stay below {bound:G})")
            : null;
}
