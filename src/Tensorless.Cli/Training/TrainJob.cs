using System.Globalization;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Training;

/// <summary>
/// <c>tensorless train</c>'s console side of a <see cref="TrainingRun"/>: the header, the live progress line, the
/// result lines and the exit code. What the run does and writes is the library's.
/// </summary>
internal static class TrainJob
{
    /// <summary>Exit code of a run that trained to its end (solved or budget spent).</summary>
    public const int SuccessExitCode = 0;

    /// <summary>Exit code of a run whose loss or parameters became NaN or infinite.</summary>
    public const int DivergedExitCode = 3;

    /// <summary>
    /// Exit code of a run stopped by Ctrl+C, SIGTERM or SIGHUP after saving, evaluating and summarising (128 + SIGINT, as
    /// shells report an interrupted command), so a script can tell a finished run from one to resume.
    /// </summary>
    public const int InterruptedExitCode = 130;

    public static int Run(RunRequest request, bool plain, TextWriter stdout, TextWriter stderr)
    {
        using var run = TrainingRun.Prepare(request);
        return Run(run, plain, stdout, stderr, []);
    }

    /// <summary>Trains a prepared run; <paramref name="lastCallbacks"/> run after the progress line (a distributed run's synchronised checkpoints).</summary>
    public static int Run(TrainingRun run, bool plain, TextWriter stdout, TextWriter stderr, IReadOnlyList<ITrainingCallback> lastCallbacks)
    {
        var setup = run.Setup;
        var learner = run.Agent.Learner;
        string outDir = setup.OutputDirectory;
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training {setup.Algorithm.DisplayName} on {setup.EnvId} ({setup.NumEnvs} envs, seed {setup.Seed}, {setup.Threads} thread{(setup.Threads == 1 ? "" : "s")}{(setup.Preset is null ? "" : $", preset {setup.Preset}")}) " +
            $"for up to {setup.TotalSteps:N0} steps{(setup.Target is double t ? $", stopping at mean return {t} over 100 episodes" : "")}{(run.Resumed ? $", resumed at {learner.Progress.EnvSteps:N0} steps" : "")}."));
        if (learner.Device is { } device)
        {
            stdout.WriteLine(device.Rollout is not null
                ? $"Device {device.Name}, for the rollouts (policy, envs, GAE) and the updates."
                : $"Device {device.Name}, for the updates; {device.RolloutUnavailableReason}.");
        }

        stdout.WriteLine($"Run directory: {Path.GetFullPath(outDir)}");

        using var stop = new StopSignal();
        var progressLine = new ConsoleProgress(stdout, live: !plain && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected, setup.Target);
        var result = run.Train([progressLine, .. lastCallbacks], stop.Token);
        if (result.Warning is not null)
        {
            stderr.WriteLine($"warning: {result.Warning}");
        }

        if (result.Status == RunStatus.Diverged)
        {
            stderr.WriteLine($"error: {result.Error}");
            return DivergedExitCode;
        }

        PrintResult(stdout, result.Progress, result.Evaluation, outDir);
        stdout.WriteLine($"Report: {Tensorless.Rl.Reports.RunReport.Write(outDir)}");

        if (result.Status == RunStatus.Interrupted)
        {
            stdout.WriteLine($"Interrupted; the run is saved. Continue it with: tensorless train --resume {outDir}");
            return InterruptedExitCode;
        }

        return SuccessExitCode;
    }

    private static void PrintResult(TextWriter stdout, TrainingProgress p, EvaluationResult? eval, string outDir)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine();
        stdout.WriteLine(p.SolvedAtEnvSteps is long solvedAt
            ? string.Create(c, $"Solved: the last 100 training episodes averaged {p.MeanReturn:F1} after {solvedAt:N0} env steps ({p.SolvedAtSeconds:F2} s).")
            : string.Create(c, $"Stopped after {p.EnvSteps:N0} env steps; the last 100 training episodes averaged {p.MeanReturn:F1}."));
        stdout.WriteLine(string.Create(c,
            $"Time: {p.WallSeconds:F2} s wall ({p.RolloutSeconds:F2} s rollouts, {p.UpdateSeconds:F2} s updates), {p.Updates} updates, {(p.WallSeconds > 0 ? p.EnvSteps / p.WallSeconds : 0):N0} env steps/s."));
        if (eval is not null)
        {
            string success = eval.SuccessRate is double rate ? string.Create(c, $", {rate:P0} reached {eval.SuccessThreshold}") : "";
            stdout.WriteLine(string.Create(c,
                $"Evaluation ({eval.Episodes} deterministic episodes): mean {eval.MeanReturn:F1} +/- {eval.StdReturn:F1}, min {eval.MinReturn:F1}, max {eval.MaxReturn:F1}{success}."));
        }

        stdout.WriteLine($"Wrote {Path.Combine(outDir, "summary.json")}, metrics.csv, metrics.jsonl, model.safetensors, config.json, curve.svg.");
    }
}
