using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Distributed;

/// <summary>
/// <see cref="StopOnReward"/> for data-parallel training (issue 14): every rank sees only its own episodes, so after each
/// update the ranks all-reduce (sum of returns, episode count, full windows) over each rank's last
/// <see cref="EpisodesPerRank"/> episodes and stop together once the pooled mean reaches the target. Every rank computes
/// the same sums in the same order, so every rank takes the same branch at the same update: no rank is left waiting in
/// a collective.
/// </summary>
public sealed class PooledStopOnReward : ITrainingCallback
{
    private readonly ICommunicator _communicator;
    private readonly double[] _sums = new double[3];

    /// <summary>
    /// Creates the callback. <paramref name="window"/> is the criterion's episode count over all ranks (100 as
    /// single-process training has it): each rank contributes its last <c>ceil(window / R)</c>, so the pooled window holds
    /// about as many episodes as one process's, and a full window is required on every rank.
    /// </summary>
    /// <exception cref="ArgumentException">The threshold is NaN or the window is not positive.</exception>
    public PooledStopOnReward(double threshold, ICommunicator communicator, int window = 100)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        if (double.IsNaN(threshold))
        {
            throw new ArgumentException("The reward threshold must be a number.", nameof(threshold));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        Threshold = threshold;
        _communicator = communicator;
        EpisodesPerRank = (window + communicator.Size - 1) / communicator.Size;
    }

    /// <summary>Target mean return of the pooled window.</summary>
    public double Threshold { get; }

    /// <summary>How many of its most recent episodes each rank contributes (at most its statistics' own window).</summary>
    public int EpisodesPerRank { get; }

    /// <summary>The pooled mean of the last update (NaN before any rank finished an episode); the same on every rank.</summary>
    public double PooledMeanReturn { get; private set; } = double.NaN;

    /// <summary>Episodes in the pooled window of the last update.</summary>
    public int PooledEpisodes { get; private set; }

    /// <inheritdoc />
    public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
    {
        ArgumentNullException.ThrowIfNull(progress);
        var episodes = progress.Episodes;
        int window = Math.Min(EpisodesPerRank, episodes.Window);
        int count = Math.Min(episodes.WindowCount, window);
        _sums[0] = count > 0 ? episodes.MeanReturnOfLast(count) * count : 0.0;
        _sums[1] = count;
        _sums[2] = count == window ? 1 : 0;
        _communicator.AllReduceSum(_sums);
        PooledEpisodes = (int)_sums[1];
        PooledMeanReturn = _sums[1] > 0 ? _sums[0] / _sums[1] : double.NaN;
        if (_sums[2] == _communicator.Size && PooledMeanReturn >= Threshold)
        {
            progress.MarkSolved();
            return false;
        }

        return true;
    }
}
