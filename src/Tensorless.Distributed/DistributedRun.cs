using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;

namespace Tensorless.Distributed;

/// <summary>
/// One rank's side of a data-parallel training run (issue 14), started or resumed: what <c>tensorless train
/// --distributed</c> runs on every rank, callable from C#. Rank 0 trains into the run directory; rank r &gt; 0 trains
/// with its own seed stream (<see cref="DistributedTraining.RankSeed"/>) into a scratch directory, removed on
/// <see cref="Dispose"/>, and keeps only its checkpoints, under the run directory's <c>ranks/r/</c>
/// (<see cref="SynchronizedCheckpoint"/>). All ranks stop together at a target (<see cref="PooledStopOnReward"/>).
/// <para>
/// Resume: rank 0 resumes the run directory; every other rank resumes its own checkpoint of the same update, so each
/// rank continues with its own envs, generator and episode statistics exactly where they were, and the ranks' parameters,
/// optimizer state and normaliser moments are then checked to agree bit for bit (<see cref="StateAgreement"/>). A resumed
/// run ends with the same bits as the uninterrupted one (same rank count, same thread count).
/// </para>
/// </summary>
public sealed class DistributedRun : IDisposable
{
    /// <summary>The file in the run directory that records the rank count, so a resume with another count is refused.</summary>
    public const string RanksFileName = "distributed.json";

    private readonly string? _scratch;

    private DistributedRun(TrainingRun run, ICommunicator communicator, string runDirectory, string? scratch, SynchronizedCheckpoint checkpoints)
    {
        Run = run;
        Communicator = communicator;
        RunDirectory = runDirectory;
        _scratch = scratch;
        Checkpoints = checkpoints;
    }

    /// <summary>This rank's training run (rank 0's writes the run directory).</summary>
    public TrainingRun Run { get; }

    /// <summary>The group.</summary>
    public ICommunicator Communicator { get; }

    /// <summary>Rank 0's run directory, the same path on every rank.</summary>
    public string RunDirectory { get; }

    /// <summary>The synchronised checkpoints; pass it to <see cref="TrainingRun.Train"/> last among the callbacks (<see cref="Train"/> does).</summary>
    public SynchronizedCheckpoint Checkpoints { get; }

    /// <summary>The pooled target stop, once training has started with a target; null without one.</summary>
    public PooledStopOnReward? TargetStop { get; private set; }

    /// <summary>
    /// Prepares this rank's run from the request every rank was given (<paramref name="request"/> as the user wrote it:
    /// the whole budget, rank 0's seed). Call on every rank; it makes collectives.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (on every rank, or the message names the rank that failed).</exception>
    /// <exception cref="InvalidDataException">A checkpoint to resume is missing or the ranks' states disagree.</exception>
    public static DistributedRun Prepare(RunRequest request, ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(communicator);
        int rank = communicator.Rank, size = communicator.Size;
        var interval = request.CheckpointInterval ?? TrainingRun.DefaultCheckpointInterval;
        var shared = request with
        {
            TotalSteps = request.TotalSteps is long total ? Math.Max(1, total / size) : null,
            EvalEpisodes = rank == 0 ? request.EvalEpisodes : 0,
            // every checkpoint is taken by all ranks at an update rank 0 picks (SynchronizedCheckpoint), never on a rank's own clock
            CheckpointInterval = TimeSpan.MaxValue,
        };
        // unique per run, not only per process: thread-ranks of two runs in one process (the tests) share a process id
        string? scratch = rank == 0 ? null : Path.Combine(Path.GetTempPath(), $"tensorless-rank{rank}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        TrainingRun? run = null;
        int? resumedUpdate = null;
        string runDirectory;
        try
        {
            if (request.ResumeDirectory is string resumeDir)
            {
                runDirectory = request.OutputDirectory ?? resumeDir;
                (run, resumedUpdate) = PrepareResume(shared, resumeDir, runDirectory, scratch, communicator);
            }
            else
            {
                runDirectory = RunSetup.Resolve(request).OutputDirectory;
                run = Agree(communicator, () => PrepareFresh(request, shared, scratch, rank));
            }

            if (resumedUpdate is not null)
            {
                StateAgreement.Verify(run.Agent, communicator);
            }

            // a fresh run starts from rank 0's weights; a resumed one was just checked to agree, so this changes nothing
            DistributedTraining.Attach(run.Agent, communicator);
            if (rank == 0)
            {
                WriteRanksFile(runDirectory, size);
            }

            var checkpoints = new SynchronizedCheckpoint(run.Agent, communicator, runDirectory, interval, resumedUpdate);
            var distributed = new DistributedRun(run, communicator, runDirectory, scratch, checkpoints);
            run.TargetStop = target => distributed.TargetStop = new PooledStopOnReward(target, communicator);
            return distributed;
        }
        catch
        {
            run?.Dispose();
            DeleteScratch(scratch);
            throw;
        }
    }

    /// <summary>Trains this rank (<see cref="TrainingRun.Train"/> with <paramref name="callbacks"/>, then <see cref="Checkpoints"/>).</summary>
    public RunResult Train(IEnumerable<ITrainingCallback>? callbacks = null, CancellationToken cancellation = default) =>
        Run.Train([.. callbacks ?? [], Checkpoints], cancellation);

    /// <summary>Disposes the run and removes a rank's scratch directory.</summary>
    public void Dispose()
    {
        Run.Dispose();
        DeleteScratch(_scratch);
    }

    private static TrainingRun PrepareFresh(RunRequest request, RunRequest shared, string? scratch, int rank)
    {
        var root = RunSetup.Resolve(request);
        ulong seed = DistributedTraining.RankSeed(root.Seed, rank);
        var run = TrainingRun.Prepare(shared with { Seed = seed, OutputDirectory = scratch ?? root.OutputDirectory });
        if (run.Setup.Seed != seed)
        {
            run.Dispose();
            throw new ArgumentException($"--set seed={run.Setup.Seed} would give every rank the same seed; give rank 0's seed with --seed (rank r trains with seed + r * 0x9E3779B97F4A7C15).");
        }

        return run;
    }

    /// <summary>
    /// Rank 0 resumes the run directory and broadcasts the update it stands at (or -1 when it failed); every other rank then
    /// resumes its own checkpoint of that update.
    /// </summary>
    private static (TrainingRun Run, int Update) PrepareResume(RunRequest shared, string resumeDir, string runDirectory, string? scratch, ICommunicator communicator)
    {
        int rank = communicator.Rank, size = communicator.Size;
        TrainingRun? run = null;
        Exception? error = null;
        Span<double> update = [-1];
        if (rank == 0)
        {
            try
            {
                CheckRanksFile(resumeDir, size);
                run = TrainingRun.Prepare(shared with { ResumeDirectory = resumeDir, OutputDirectory = runDirectory });
                update[0] = run.Agent.Learner.Progress.Updates;
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or NotSupportedException or UnauthorizedAccessException)
            {
                error = e;
            }
        }

        communicator.Broadcast(update, 0);
        int at = (int)update[0];
        if (rank > 0 && at >= 0)
        {
            string own = SynchronizedCheckpoint.RankDirectory(resumeDir, rank, at);
            try
            {
                run = Directory.Exists(own)
                    ? TrainingRun.Prepare(shared with { ResumeDirectory = own, OutputDirectory = scratch })
                    : throw new InvalidDataException($"Rank {rank} has no checkpoint of update {at} ('{own}' is missing): resume with the rank count the run was saved with, on hosts that keep the run directory's '{SynchronizedCheckpoint.RanksFolder}' folder.");
            }
            catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or NotSupportedException or UnauthorizedAccessException)
            {
                error = e;
            }
        }

        var resumed = Agree(communicator, () => run ?? throw error ?? new InvalidDataException($"Rank 0 could not resume '{resumeDir}'; its error says why."));
        return (resumed, at);
    }

    /// <summary>
    /// Runs <paramref name="prepare"/> on every rank, then tells every rank whether all succeeded (one all-reduce): a rank
    /// that failed rethrows its own error; the others throw one that names it, instead of waiting in the next collective.
    /// </summary>
    private static TrainingRun Agree(ICommunicator communicator, Func<TrainingRun> prepare)
    {
        TrainingRun? run = null;
        Exception? error = null;
        try
        {
            run = prepare();
        }
        catch (Exception e) when (e is ArgumentException or InvalidDataException or IOException or NotSupportedException or UnauthorizedAccessException)
        {
            error = e;
        }

        var failed = new double[communicator.Size];
        failed[communicator.Rank] = error is null ? 0 : 1;
        communicator.AllReduceSum(failed);
        if (error is not null)
        {
            run?.Dispose();
            throw error;
        }

        var others = Enumerable.Range(0, failed.Length).Where(r => failed[r] != 0).ToList();
        if (others.Count > 0)
        {
            run!.Dispose();
            throw new RankFailedException($"Rank{(others.Count == 1 ? "" : "s")} {string.Join(", ", others)} could not prepare the run; {(others.Count == 1 ? "its" : "their")} error says why.");
        }

        return run!;
    }

    private static void WriteRanksFile(string runDirectory, int size)
    {
        var json = new JsonObject { ["ranks"] = size, ["rank_seed"] = "seed + rank * 0x9E3779B97F4A7C15" };
        string path = Path.Combine(runDirectory, RanksFileName);
        string temp = Path.Combine(runDirectory, "." + RanksFileName + ".tmp");
        File.WriteAllText(temp, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        File.Move(temp, path, overwrite: true);
    }

    private static void CheckRanksFile(string runDirectory, int size)
    {
        string path = Path.Combine(runDirectory, RanksFileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"'{runDirectory}' was not trained with --distributed (no {RanksFileName}); resume it in one process.");
        }

        int saved;
        try
        {
            saved = JsonNode.Parse(File.ReadAllText(path))?["ranks"]?.GetValue<int>() ?? throw new InvalidDataException($"{path}: no 'ranks'.");
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path}: not a valid ranks file: {e.Message}", e);
        }

        if (saved != size)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                $"'{runDirectory}' was trained by {saved} ranks; resume it with mpirun -np {saved} (each rank continues its own envs and seed stream), not {size}."));
        }
    }

    private static void DeleteScratch(string? scratch)
    {
        if (scratch is not null && Directory.Exists(scratch))
        {
            Directory.Delete(scratch, recursive: true);
        }
    }
}
