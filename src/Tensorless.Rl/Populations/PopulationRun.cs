using System.Diagnostics;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Options;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Sweeps;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Populations;

/// <summary>
/// Many agents trained at once in one process (issue 10): K ordinary <see cref="TrainingRun"/>s stepped in lockstep, one
/// rollout and update per member per tick, the members of a tick shared out over the threads (agents, not rows, are
/// split). Each member trains on one thread with its own envs, parameters, optimizer, normalisers, generator, schedules
/// and statistics, through the very code a solo run takes (<see cref="TrainingRun.TrainStep"/>), so member k ends with the
/// bits of the same run trained alone with <c>--threads 1</c>, for any K and any thread count. Each member writes its own
/// run directory; <c>population.json</c> in the population directory lists them, and <see cref="Resume"/> continues the
/// whole population exactly (members resume from their own checkpoints; finished members are left alone). With a device
/// (<see cref="PopulationRequest.Device"/>) the members' rollouts run there in one batch per tick and each member's step
/// takes its own part, and where the device can, their updates run there in lockstep too (PopulationRun.Device.cs).
/// </summary>
public sealed partial class PopulationRun : IDisposable
{
    private readonly IReadOnlyList<RunRequest> _requests;
    private readonly TrainingRun?[] _runs;
    private readonly RunLock _lock;
    private readonly bool[] _going;
    private readonly int[] _active;
    private int _activeCount;
    private int _next;
    private bool _finishing;
    private readonly IPopulationRolloutDevice? _rollouts;
    private readonly IPopulationUpdateDevice? _updates;

    private PopulationRun(string directory, IReadOnlyList<RunRequest> requests, TrainingRun?[] runs, int threads, RunLock runLock, IPopulationRolloutDevice? rollouts)
    {
        _rollouts = rollouts;
        _updates = rollouts is IPopulationUpdateDevice { UpdateUnavailableReason: null } updates ? updates : null;
        Directory = directory;
        _requests = requests;
        _runs = runs;
        Threads = threads;
        _lock = runLock;
        _going = new bool[runs.Length];
        _active = new int[runs.Length];
    }

    /// <summary>The file in a population directory that lists the members.</summary>
    public const string ManifestFileName = PopulationManifest.FileName;

    /// <summary>The population directory.</summary>
    public string Directory { get; }

    /// <summary>Threads that train members side by side.</summary>
    public int Threads { get; }

    /// <summary>Every member's request, in order (directories absolute).</summary>
    public IReadOnlyList<RunRequest> Requests => _requests;

    /// <summary>The members this process trains, in order: null where a resumed population found the member finished.</summary>
    public IReadOnlyList<TrainingRun?> Members => _runs;

    /// <summary>
    /// Validates the request, writes <c>population.json</c> and prepares every member (each locks its own directory). Members
    /// train on one thread each: a member's <see cref="RunRequest.Threads"/> must be null or 1.
    /// </summary>
    /// <param name="request">The population.</param>
    /// <returns>The prepared population; dispose it to release the members.</returns>
    /// <exception cref="ArgumentException">A member or the population is invalid; the message names the member.</exception>
    /// <exception cref="IOException">The directory already holds a population, or another run holds a member's directory.</exception>
    public static PopulationRun Prepare(PopulationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(request.Members);
        ArgumentException.ThrowIfNullOrWhiteSpace(request.Directory);
        if (request.Members.Count is 0 or > PopulationRequest.MaxMembers)
        {
            throw new ArgumentException($"A population holds 1 to {PopulationRequest.MaxMembers:N0} members, got {request.Members.Count:N0}.");
        }

        int threads = CheckThreads(request.Threads ?? RunSetup.DefaultThreads);
        string directory = Path.GetFullPath(request.Directory);
        var members = new RunRequest[request.Members.Count];
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < members.Length; i++)
        {
            var m = request.Members[i] ?? throw new ArgumentException($"Population member {i} is null.");
            string name = $"Population member {i} ({m.OutputDirectory ?? "no directory"})";
            if (m.OutputDirectory is null)
            {
                throw new ArgumentException($"{name}: every member needs its own OutputDirectory.");
            }

            if (m.ResumeDirectory is not null || m.Extend)
            {
                throw new ArgumentException($"{name}: a member cannot resume on its own; resume the whole population (PopulationRun.Resume, train --resume {directory}).");
            }

            if (m.Device is not null)
            {
                throw new ArgumentException($"{name}: a member cannot have a device of its own; the population's Device batches every member's rollouts (and updates).");
            }

            if (m.Threads is int t && t != 1)
            {
                throw new ArgumentException($"{name}: members train on one thread each (threads = 1), got {t}; the population's threads share out the members.");
            }

            string full = Path.GetFullPath(m.OutputDirectory);
            if (full == directory)
            {
                throw new ArgumentException($"{name}: a member's directory must differ from the population directory {directory}.");
            }

            if (seen.TryGetValue(full, out int other))
            {
                throw new ArgumentException($"{name}: members {other} and {i} share the directory {full}.");
            }

            seen[full] = i;
            members[i] = m with { OutputDirectory = full, Threads = 1 };
        }

        if (PopulationManifest.Exists(directory))
        {
            throw new IOException($"{directory} already holds a population ({PopulationManifest.FileName}); continue it with --resume {directory}, or choose another --out.");
        }

        System.IO.Directory.CreateDirectory(directory);
        var runLock = RunLock.Acquire(directory);
        var runs = new TrainingRun?[members.Length];
        IPopulationRolloutDevice? rollouts = null;
        try
        {
            for (int i = 0; i < members.Length; i++)
            {
                runs[i] = PrepareMember(i, members[i]);
            }

            // the device before the manifest: a population whose device fails leaves no population.json behind
            rollouts = CreateRollouts(request.Device, runs);
            PopulationManifest.Write(directory, members, threads, null);
            return new PopulationRun(directory, members, runs, threads, runLock, rollouts);
        }
        catch
        {
            rollouts?.Dispose();
            DisposeAll(runs);
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>Whether <paramref name="directory"/> holds a population (its <c>population.json</c>).</summary>
    public static bool IsPopulation(string directory) => PopulationManifest.Exists(directory);

    /// <summary>
    /// Continues the population saved in <paramref name="directory"/>: finished members (solved, budget used, diverged) are
    /// left alone; the others resume from their own checkpoints, bit-exact as a resumed solo run is, or start again from
    /// their request when they never reached a checkpoint.
    /// </summary>
    /// <param name="directory">The population directory.</param>
    /// <param name="threads">Threads; null keeps the saved count (the thread count does not change any member's bits).</param>
    /// <returns>The prepared population.</returns>
    /// <exception cref="InvalidDataException">The manifest or a member's checkpoint is missing or corrupt.</exception>
    /// <param name="device">Where the members' rollouts (and, where it can, their updates) run from now on (<see cref="PopulationRequest.Device"/>), or null for the CPU.</param>
    public static PopulationRun Resume(string directory, int? threads = null, string? device = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        directory = Path.GetFullPath(directory);
        var (members, saved) = PopulationManifest.Read(directory);
        int count = CheckThreads(threads ?? saved);
        var runLock = RunLock.Acquire(directory);
        var runs = new TrainingRun?[members.Count];
        IPopulationRolloutDevice? rollouts = null;
        try
        {
            for (int i = 0; i < members.Count; i++)
            {
                var m = members[i];
                string dir = m.OutputDirectory!;
                if (SweepSummary.IsFinished(dir))
                {
                    continue;
                }

                if (HasCheckpoint(dir))
                {
                    runs[i] = PrepareMember(i, new RunRequest
                    {
                        ResumeDirectory = dir,
                        Target = m.Target,
                        NoTarget = m.NoTarget,
                        EvalEpisodes = m.EvalEpisodes,
                        CheckpointInterval = m.CheckpointInterval,
                    });
                }
                else
                {
                    if (System.IO.Directory.Exists(dir))
                    {
                        System.IO.Directory.Delete(dir, recursive: true);
                    }

                    runs[i] = PrepareMember(i, m);
                }
            }

            rollouts = CreateRollouts(device, runs);
            return new PopulationRun(directory, members, runs, count, runLock, rollouts);
        }
        catch
        {
            rollouts?.Dispose();
            DisposeAll(runs);
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Trains every member to its budget or target in lockstep, then saves, evaluates and summarises each (in parallel), and
    /// writes the outcomes into <c>population.json</c>.
    /// </summary>
    /// <param name="progress">Called on this thread after every tick, or null.</param>
    /// <param name="cancellation">Stops every member after its current update; they save and resume with the population.</param>
    /// <returns>Every member's outcome and the population's throughput.</returns>
    /// <exception cref="InvalidOperationException">A member failed other than by diverging; the message names it. The other members keep their last checkpoints.</exception>
    public PopulationResult Train(Action<PopulationStatus>? progress = null, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        long stepsBefore = _runs.Sum(r => r?.Agent.Learner.Progress.EnvSteps ?? 0);
        _activeCount = 0;
        for (int i = 0; i < _runs.Length; i++)
        {
            if (_runs[i] is { } run)
            {
                run.BeginTraining(null, cancellation);
                _active[_activeCount++] = i;
            }
        }

        using (var group = new WorkerGroup(Math.Max(1, Math.Min(Threads, _activeCount)), Work, "tensorless-population", "population worker"))
        {
            while (_activeCount > 0)
            {
                _rollouts?.CollectAll(); // every member's rollout in one batch; each member's step takes its own
                if (_updates is not null)
                {
                    RunBatchedTick(group);
                }
                else
                {
                    RunTick(group);
                }

                int kept = 0;
                for (int a = 0; a < _activeCount; a++)
                {
                    if (_going[_active[a]])
                    {
                        _active[kept++] = _active[a];
                    }
                }

                _activeCount = kept;
                progress?.Invoke(Status(stepsBefore, clock.Elapsed.TotalSeconds));
            }

            // save, evaluate and summarise every member, also shared out over the threads
            _finishing = true;
            for (int i = 0; i < _runs.Length; i++)
            {
                if (_runs[i] is not null)
                {
                    _active[_activeCount++] = i;
                }
            }

            RunTick(group);
        }

        var outcomes = new PopulationMemberOutcome[_runs.Length];
        for (int i = 0; i < _runs.Length; i++)
        {
            outcomes[i] = _runs[i] is { } run ? Outcome(run.FinishTraining(), _requests[i], run) : ReadOutcome(_requests[i]);
        }

        long steps = _runs.Sum(r => r?.Agent.Learner.Progress.EnvSteps ?? 0) - stepsBefore;
        var result = new PopulationResult(outcomes, clock.Elapsed.TotalSeconds, steps, outcomes.Any(o => o.Status == RunStatus.Interrupted));
        PopulationManifest.Write(Directory, _requests, Threads, result);
        return result;
    }

    /// <summary>Releases every member (a member started and not finished keeps its last checkpoint) and the population directory.</summary>
    public void Dispose()
    {
        _rollouts?.Dispose();
        DisposeAll(_runs);
        _lock.Dispose();
    }

    private void RunTick(WorkerGroup group)
    {
        _next = 0;
        group.Run(Math.Max(1, Math.Min(group.Workers, _activeCount)));
    }

    /// <summary>What each worker does in a tick: take the next active member and step (or finish) it, until none is left.</summary>
    private void Work(int worker)
    {
        int a;
        while ((a = Interlocked.Increment(ref _next) - 1) < _activeCount)
        {
            int i = _active[a];
            var run = _runs[i]!;
            try
            {
                if (_finishing)
                {
                    run.FinishTraining();
                }
                else
                {
                    StepMember(i, run);
                }
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"Population member {i} ({run.Setup.OutputDirectory}) failed: {e.Message}", e);
            }
        }
    }

    private static TrainingRun PrepareMember(int index, RunRequest request)
    {
        try
        {
            return TrainingRun.Prepare(request);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"Population member {index} ({request.OutputDirectory ?? request.ResumeDirectory}): {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether a member's directory holds a checkpoint to resume (finishing a torn save first). A directory with neither
    /// checkpoint file never reached its first save and restarts; one with a damaged checkpoint is resumed, so the resume
    /// reports the damage instead of the folder being thrown away.
    /// </summary>
    private static bool HasCheckpoint(string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return false;
        }

        Checkpoint.Recover(directory);
        return File.Exists(Path.Combine(directory, Checkpoint.ConfigFileName)) || File.Exists(Path.Combine(directory, Checkpoint.ModelFileName));
    }

    private static int CheckThreads(int threads) =>
        threads is >= 1 and <= OnPolicyOptions.MaxThreads
            ? threads
            : throw new ArgumentException($"A population's threads must be 1 to {OnPolicyOptions.MaxThreads}, got {threads}.");

    private static void DisposeAll(TrainingRun?[] runs)
    {
        foreach (var run in runs)
        {
            run?.Dispose();
        }
    }
}
