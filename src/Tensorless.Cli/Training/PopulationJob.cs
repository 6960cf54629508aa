using System.Globalization;
using Tensorless.Rl.Populations;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Sweeps;

namespace Tensorless.Cli.Training;

/// <summary>
/// <c>tensorless train --seeds 1-64</c> and <c>train --resume</c> of a population directory (issue 10): many agents in
/// lockstep in one process, a progress line for the whole population, one result line per member and the exit code.
/// </summary>
internal static class PopulationJob
{
    /// <summary>Trains one member per seed of <paramref name="seedsText"/>, each as <paramref name="template"/> asks.</summary>
    public static int Run(RunRequest template, string seedsText, bool plain, TextWriter stdout, TextWriter stderr)
    {
        if (template.Seed is not null)
        {
            throw new ArgumentException("--seeds trains one agent per seed; drop --seed.");
        }

        if (template.Extend)
        {
            throw new ArgumentException("--extend belongs to --resume of a single run; a population resumes with --resume DIR alone.");
        }

        var seeds = SweepSpec.ParseSeeds(seedsText);
        // the members train on one thread each; --threads is how many members train side by side
        var member = template with { Threads = null, OutputDirectory = null, Device = null };
        var first = RunSetup.Resolve(member with { Seed = seeds[0], Threads = 1 });
        string directory = template.OutputDirectory
            ?? Path.Combine("runs", $"{first.Algorithm.Name}-{first.EnvId}-seeds{seedsText.Replace(',', '_')}");
        var request = PopulationRequest.ForSeeds(member, seeds, directory, template.Threads, template.Device);
        using var population = PopulationRun.Prepare(request);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training a population of {seeds.Count} {first.Algorithm.DisplayName} agents on {first.EnvId} (seeds {seedsText}, {first.NumEnvs} envs each{(first.Preset is null ? "" : $", preset {first.Preset}")}) " +
            $"on {population.Threads} thread{(population.Threads == 1 ? "" : "s")}, up to {first.TotalSteps:N0} steps each{(first.Target is double t ? $", each stopping at mean return {t} over 100 episodes" : "")}."));
        return Train(population, plain, stdout);
    }

    /// <summary>Continues the population in <paramref name="directory"/>.</summary>
    public static int Resume(string directory, int? threads, string? device, bool plain, TextWriter stdout)
    {
        using var population = PopulationRun.Resume(directory, threads, device);
        int pending = population.Members.Count(m => m is not null);
        stdout.WriteLine($"Resuming the population in {Path.GetFullPath(directory)}: {pending} of {population.Requests.Count} members still to train, on {population.Threads} thread{(population.Threads == 1 ? "" : "s")}.");
        return Train(population, plain, stdout);
    }

    private static int Train(PopulationRun population, bool plain, TextWriter stdout)
    {
        if (population.DeviceName is { } device)
        {
            stdout.WriteLine(population.UpdatesOnDevice
                ? $"Device {device}, for the members' rollouts and updates (batched)."
                : $"Device {device}, for the members' rollouts (batched); their updates run on the CPU threads: {population.UpdateUnavailableReason}.");
        }

        stdout.WriteLine($"Population directory: {population.Directory}");
        using var stop = new StopSignal();
        var progress = new PopulationProgress(stdout, live: !plain && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);
        var result = population.Train(progress.Report, stop.Token);
        progress.Finish();
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine();
        foreach (var m in result.Members)
        {
            string solved = m.SolvedAtEnvSteps is long at ? string.Create(c, $"solved at {at:N0} steps") : m.Status switch { RunStatus.BudgetExhausted => "budget used", RunStatus.Interrupted => "interrupted", RunStatus.Diverged => "diverged", _ => "solved" };
            string eval = m.EvalMeanReturn is double e ? string.Create(c, $", evaluation mean {e:F1}") : "";
            stdout.WriteLine(string.Create(c, $"  seed {m.Seed,-6} {solved}{eval}{(m.Trained ? "" : " (finished earlier)")}  {Path.GetRelativePath(population.Directory, m.Directory)}"));
        }

        stdout.WriteLine(string.Create(c,
            $"Population: {result.Solved} of {result.Members.Count} solved; {result.StepsThisProcess:N0} env steps in {result.WallSeconds:F2} s wall, {result.StepsPerSecond:N0} env steps/s over all agents."));
        stdout.WriteLine($"Wrote {Path.Combine(population.Directory, PopulationRun.ManifestFileName)} and one run directory per member.");
        int diverged = result.Members.Count(m => m.Status == RunStatus.Diverged);
        if (result.Interrupted)
        {
            stdout.WriteLine($"Interrupted; the population is saved. Continue it with: tensorless train --resume {population.Directory}");
            return TrainJob.InterruptedExitCode;
        }

        return diverged > 0 ? TrainJob.DivergedExitCode : TrainJob.SuccessExitCode;
    }
}
