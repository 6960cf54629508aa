using Tensorless.Rl.Metrics;

namespace Tensorless.Rl.Training;

/// <summary>
/// Stops training once the mean return of the last <see cref="Window"/> finished training episodes reaches
/// <see cref="Threshold"/> (the usual "solved" criterion: CartPole-v1 475 over 100 episodes). A full window is required,
/// so a few lucky early episodes do not count.
/// </summary>
public sealed class StopOnReward : ITrainingCallback
{
    /// <summary>Creates the callback.</summary>
    /// <exception cref="ArgumentException">The threshold is NaN or the window is not positive.</exception>
    public StopOnReward(double threshold, int window = 100)
    {
        if (double.IsNaN(threshold))
        {
            throw new ArgumentException("The reward threshold must be a number.", nameof(threshold));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        Threshold = threshold;
        Window = window;
    }

    /// <summary>Target mean return.</summary>
    public double Threshold { get; }

    /// <summary>Number of most recent episodes averaged (at most the statistics' own window of 100).</summary>
    public int Window { get; }

    /// <inheritdoc />
    public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
    {
        var episodes = progress.Episodes;
        int window = Math.Min(Window, episodes.Window);
        if (episodes.WindowCount >= window && episodes.MeanReturnOfLast(window) >= Threshold)
        {
            progress.MarkSolved();
            return false;
        }

        return true;
    }
}
