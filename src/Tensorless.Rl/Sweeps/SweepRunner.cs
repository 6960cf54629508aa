using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Populations;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Sweeps;

/// <summary>What a <see cref="SweepRunner"/> reports while it runs; every member is optional.</summary>
public sealed record SweepObserver
{
    /// <summary>Called before a member trains, with its 1-based position and the member count.</summary>
    public Action<SweepMember, int, int>? Starting { get; init; }

    /// <summary>Called for a member that had already finished and is left untouched.</summary>
    public Action<SweepMember, int, int>? Skipped { get; init; }

    /// <summary>Called after a member trained.</summary>
    public Action<SweepMember, RunResult>? Finished { get; init; }

    /// <summary>Extra training callbacks for a member (a progress line), or null; not used by a population sweep, whose members train on several threads at once.</summary>
    public Func<SweepMember, IEnumerable<ITrainingCallback>>? Callbacks { get; init; }

    /// <summary>Called after every lockstep tick of a population sweep (<see cref="SweepSpec.Population"/>), or null.</summary>
    public Action<PopulationStatus>? Progress { get; init; }
}

/// <summary>The outcome of <see cref="SweepRunner.Run"/>.</summary>
/// <param name="Summary">The table over every finished member (sweep.csv/sweep.json are written).</param>
/// <param name="Trained">Members trained in this call.</param>
/// <param name="Skipped">Members found finished and left untouched.</param>
/// <param name="Interrupted">True when the cancellation stopped the sweep; run it again to continue.</param>
public sealed record SweepResult(SweepSummary Summary, int Trained, int Skipped, bool Interrupted);

/// <summary>
/// A static round-robin share of a sweep's members, for running a sweep over several processes: member <c>i</c>
/// (0-based, in <see cref="SweepSpec.Members"/> order) belongs to share <c>i % Count</c>.
/// </summary>
public sealed record SweepShare
{
    /// <summary>The single share holding every member.</summary>
    public static SweepShare All { get; } = new(0, 1);

    /// <summary>Creates share <paramref name="index"/> of <paramref name="count"/>.</summary>
    /// <param name="index">This share, 0..count-1 (an MPI rank).</param>
    /// <param name="count">Number of shares (the MPI size).</param>
    /// <exception cref="ArgumentOutOfRangeException">count is below 1 or index outside 0..count-1.</exception>
    public SweepShare(int index, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, count);
        Index = index;
        Count = count;
    }

    /// <summary>This share, 0..Count-1.</summary>
    public int Index { get; }

    /// <summary>Number of shares.</summary>
    public int Count { get; }
}

/// <summary>
/// Runs a sweep's members one after another (populations, issue 10, may batch them later), each an ordinary
/// <see cref="TrainingRun"/> in its own directory. Resumable: a member whose summary.json says it finished is skipped
/// untouched; a member that was interrupted or never summarised is deleted and restarted from scratch, so its result
/// is the same as an uninterrupted run's. The spec is saved as <c>sweep-spec.json</c>; running a different spec into
/// the same directory is refused.
/// </summary>
public static class SweepRunner
{
    /// <summary>File holding the spec inside a sweep directory.</summary>
    public const string SpecFileName = "sweep-spec.json";

    /// <summary>Runs (or continues) the sweep, then writes sweep.csv and sweep.json.</summary>
    /// <param name="spec">The sweep.</param>
    /// <param name="directory">The sweep directory.</param>
    /// <param name="observer">Progress hooks, or null.</param>
    /// <param name="cancellation">Stops after the current member's current update; that member is left interrupted and restarts next time.</param>
    /// <returns>The result.</returns>
    /// <exception cref="ArgumentException">The spec is invalid or the directory holds a different sweep.</exception>
    public static SweepResult Run(SweepSpec spec, string directory, SweepObserver? observer = null, CancellationToken cancellation = default)
    {
        var (trained, skipped, interrupted) = RunShare(spec, directory, SweepShare.All, observer, cancellation);
        return new SweepResult(Summarize(spec, directory), trained, skipped, interrupted);
    }

    /// <summary>
    /// Runs (or continues) only the members of <paramref name="share"/> (member <c>i</c> belongs to share
    /// <c>i % Count</c>) and writes no summary: a distributed sweep runs one share per rank, waits for all, and calls
    /// <see cref="Summarize"/> once. Every share checks that the directory holds this spec; only share 0 writes it.
    /// Resumable like <see cref="Run"/>: finished members are skipped untouched, any other member of the share restarts.
    /// </summary>
    /// <param name="spec">The sweep.</param>
    /// <param name="directory">The sweep directory.</param>
    /// <param name="share">Which members to run.</param>
    /// <param name="observer">Progress hooks, or null; positions are 1-based over the whole sweep.</param>
    /// <param name="cancellation">Stops after the current member's current update; that member is left interrupted and restarts next time.</param>
    /// <returns>Members trained and skipped in this share, and whether the cancellation stopped it.</returns>
    /// <exception cref="ArgumentException">The spec is invalid or the directory holds a different sweep.</exception>
    public static (int Trained, int Skipped, bool Interrupted) RunShare(SweepSpec spec, string directory, SweepShare share, SweepObserver? observer = null, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(share);
        observer ??= new SweepObserver();
        var members = spec.Members(directory);
        Directory.CreateDirectory(directory);
        string specPath = Path.Combine(directory, SpecFileName);
        string json = spec.ToJson();
        if (File.Exists(specPath) && File.ReadAllText(specPath) != json)
        {
            throw new ArgumentException($"{directory} holds a different sweep ({SpecFileName} differs); continue it with --resume {directory}, or choose another --out.");
        }

        if (share.Index == 0)
        {
            AtomicFiles.WriteText(specPath, json);
        }

        if (spec.Population)
        {
            return RunPopulation(spec, directory, members, share, observer, cancellation);
        }

        int trained = 0, skipped = 0;
        bool interrupted = false;
        for (int i = share.Index; i < members.Count; i += share.Count)
        {
            var member = members[i];
            if (SweepSummary.IsFinished(member.Directory))
            {
                skipped++;
                observer.Skipped?.Invoke(member, i + 1, members.Count);
                continue;
            }

            if (cancellation.IsCancellationRequested)
            {
                interrupted = true;
                break;
            }

            if (Directory.Exists(member.Directory))
            {
                Directory.Delete(member.Directory, recursive: true);
            }

            observer.Starting?.Invoke(member, i + 1, members.Count);
            using (var run = TrainingRun.Prepare(spec.Request(member)))
            {
                var result = run.Train(observer.Callbacks?.Invoke(member), cancellation);
                observer.Finished?.Invoke(member, result);
                if (result.Status == RunStatus.Interrupted)
                {
                    interrupted = true;
                    break;
                }
            }

            trained++;
        }

        return (trained, skipped, interrupted);
    }

    /// <summary>
    /// The share's unfinished members as one population: each restarts from scratch (as in a sequential sweep) on one thread,
    /// <see cref="SweepSpec.Threads"/> of them side by side. The population's own bookkeeping lives in
    /// <c>.population-{share}</c> inside the sweep directory and is rebuilt on every call.
    /// </summary>
    private static (int Trained, int Skipped, bool Interrupted) RunPopulation(SweepSpec spec, string directory, IReadOnlyList<SweepMember> members, SweepShare share,
        SweepObserver observer, CancellationToken cancellation)
    {
        var pending = new List<(SweepMember Member, int Position)>();
        int skipped = 0;
        for (int i = share.Index; i < members.Count; i += share.Count)
        {
            if (SweepSummary.IsFinished(members[i].Directory))
            {
                skipped++;
                observer.Skipped?.Invoke(members[i], i + 1, members.Count);
            }
            else
            {
                pending.Add((members[i], i));
            }
        }

        if (pending.Count == 0)
        {
            return (0, skipped, false);
        }

        if (cancellation.IsCancellationRequested)
        {
            return (0, skipped, true);
        }

        string populationDir = Path.Combine(directory, $".population-{share.Index}");
        foreach (string dir in pending.Select(p => p.Member.Directory).Append(populationDir))
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        foreach (var (member, position) in pending)
        {
            observer.Starting?.Invoke(member, position + 1, members.Count);
        }

        using var population = PopulationRun.Prepare(new PopulationRequest
        {
            Members = [.. pending.Select(p => spec.Request(p.Member) with { Threads = 1 })],
            Directory = populationDir,
            Threads = spec.Threads,
        });
        var result = population.Train(observer.Progress, cancellation);
        for (int k = 0; k < pending.Count; k++)
        {
            observer.Finished?.Invoke(pending[k].Member, population.Members[k]!.FinishTraining());
        }

        return (pending.Count, skipped, result.Interrupted);
    }

    /// <summary>Computes the table over every finished member of the sweep in <paramref name="directory"/> and writes sweep.csv and sweep.json.</summary>
    /// <param name="spec">The sweep.</param>
    /// <param name="directory">The sweep directory.</param>
    /// <returns>The summary.</returns>
    public static SweepSummary Summarize(SweepSpec spec, string directory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(directory);
        var summary = SweepSummary.Compute(spec, directory);
        summary.Write(directory);
        return summary;
    }

    /// <summary>Reads the spec saved in a sweep directory.</summary>
    /// <param name="directory">The sweep directory.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ArgumentException">There is no readable sweep-spec.json.</exception>
    public static SweepSpec Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        string path = Path.Combine(directory, SpecFileName);
        return File.Exists(path) ? SweepSpec.Parse(File.ReadAllText(path)) : throw new ArgumentException($"{directory} is not a sweep directory (no {SpecFileName}).");
    }
}
