using System.Diagnostics;
using System.Globalization;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Distributed;

/// <summary>
/// Periodic checkpoints of a data-parallel run (issue 14), taken by every rank at the same update so a resume can
/// restore each rank exactly. Rank 0 decides by its wall clock and broadcasts the decision; the other ranks save their
/// own state (envs, generator, collector, episodes, reward-scaler returns) to <see cref="RankDirectory"/>, everyone
/// passes a barrier, and only then does rank 0 replace the run directory's checkpoint. So a run directory at update U
/// always has every rank's checkpoint of update U beside it, whichever process dies when: a rank keeps its last two
/// generations, the one rank 0 may still point at and the one being written.
/// </summary>
public sealed class SynchronizedCheckpoint : ITrainingCallback
{
    /// <summary>The folder, inside the run directory, that holds the other ranks' checkpoints.</summary>
    public const string RanksFolder = "ranks";

    private readonly IOnPolicyAlgorithm _agent;
    private readonly ICommunicator _communicator;
    private readonly string _runDirectory;
    private readonly TimeSpan _interval;
    private readonly double[] _vote = new double[1];
    private long _last = Stopwatch.GetTimestamp();
    private readonly int? _resumedUpdate;
    private int _saved = -1;
    private int _seen = -1;

    /// <summary>Creates the callback for this rank.</summary>
    /// <param name="agent">This rank's agent.</param>
    /// <param name="communicator">The group.</param>
    /// <param name="runDirectory">Rank 0's run directory (the same path on every rank).</param>
    /// <param name="interval">Least wall time between two checkpoints, on rank 0's clock.</param>
    /// <param name="resumedUpdate">The update a resumed run loaded (its generation is kept until a newer one is complete), or null.</param>
    public SynchronizedCheckpoint(IOnPolicyAlgorithm agent, ICommunicator communicator, string runDirectory, TimeSpan interval, int? resumedUpdate)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentException.ThrowIfNullOrEmpty(runDirectory);
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The checkpoint interval must be positive, got {interval}.", nameof(interval));
        }

        _agent = agent;
        _communicator = communicator;
        _runDirectory = runDirectory;
        _interval = interval;
        _resumedUpdate = resumedUpdate;
    }

    /// <summary>Where rank <paramref name="rank"/> (1 or more) keeps its checkpoint of update <paramref name="update"/>.</summary>
    public static string RankDirectory(string runDirectory, int rank, int update)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rank, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(update);
        return Path.Combine(runDirectory, RanksFolder, rank.ToString(CultureInfo.InvariantCulture), "update-" + update.ToString(CultureInfo.InvariantCulture));
    }

    /// <inheritdoc />
    public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
    {
        ArgumentNullException.ThrowIfNull(progress);
        _seen = progress.Updates;
        _vote[0] = _communicator.Rank == 0 && Stopwatch.GetElapsedTime(_last) >= _interval ? 1 : 0;
        _communicator.Broadcast(_vote, 0);
        if (_vote[0] != 0)
        {
            Save(progress.Updates, includeRoot: true);
        }

        return true;
    }

    /// <inheritdoc />
    /// <remarks>
    /// The other ranks save the final state here; the training run then saves rank 0's (after this returns), so the
    /// final checkpoint is ordered like the periodic ones. When training ended by an exception inside an update (a
    /// divergence: no final checkpoint is written) nothing is saved and no collective is made.
    /// </remarks>
    public void OnTrainingEnd(TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(progress);
        if (_seen == progress.Updates && _saved != progress.Updates)
        {
            Save(progress.Updates, includeRoot: false);
        }
    }

    private void Save(int update, bool includeRoot)
    {
        int rank = _communicator.Rank;
        if (rank > 0)
        {
            Checkpoint.Save(_agent, RankDirectory(_runDirectory, rank, update));
            Prune(rank, update);
        }

        // every rank's generation is complete before rank 0's run directory points at it
        _communicator.Barrier();
        if (rank == 0 && includeRoot)
        {
            Checkpoint.Save(_agent, _runDirectory);
        }

        _saved = update;
        _last = Stopwatch.GetTimestamp();
    }

    /// <summary>
    /// Deletes this rank's generations other than <paramref name="update"/> and the last one rank 0 may point at (the
    /// previous save, whose root checkpoint is complete once training went on past it; or the one resumed from).
    /// </summary>
    private void Prune(int rank, int update)
    {
        string folder = Path.GetDirectoryName(RankDirectory(_runDirectory, rank, update))!;
        int? keep = _saved >= 0 ? _saved : _resumedUpdate;
        foreach (string dir in Directory.EnumerateDirectories(folder, "update-*"))
        {
            if (int.TryParse(Path.GetFileName(dir).AsSpan("update-".Length), NumberStyles.None, CultureInfo.InvariantCulture, out int u) && u != update && u != keep)
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
