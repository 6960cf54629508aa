using System.Globalization;
using System.Text.Json;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Training;
using Tensorless.Rl.Runs;

namespace Tensorless.Cli.Bench;

/// <summary>
/// <c>tensorless bench solve</c>: trains one run per seed until the last 100 training episodes reach the target, then
/// checks the policy with 100 deterministic evaluation episodes; a seed counts as solved only if both pass. An unsolved
/// seed counts with its full wall time. Reports a table and, optionally, JSON.
/// </summary>
internal static class SolveHarness
{
    /// <summary>One seed's result.</summary>
    internal sealed record Run(ulong Seed, bool Solved, long EnvSteps, double WallSeconds, double RolloutSeconds, double UpdateSeconds, double EvalMeanReturn);

    public static int Execute(string preset, IReadOnlyList<ulong> seeds, int threads, long totalSteps, string? jsonPath, TextWriter stdout)
    {
        var runs = new List<Run>();
        double? target = null;
        string envId = "";
        var c = CultureInfo.InvariantCulture;
        foreach (ulong seed in seeds)
        {
            var setup = RunSetup.Resolve(new RunRequest { Preset = preset, Seed = seed, Threads = threads, TotalSteps = totalSteps, OutputDirectory = "-" });
            target = setup.Target ?? throw new ArgumentException($"Preset '{preset}' on {setup.EnvId} has no target return, so 'solved' is undefined.");
            envId = setup.EnvId;
            using var agent = setup.CreateAgent();
            var progress = agent.Learn(setup.TotalSteps, new StopOnReward(target.Value));
            bool trained = progress.SolvedAtEnvSteps is not null;
            var eval = Evaluator.Evaluate(agent, new EvaluationOptions { Episodes = 100, Deterministic = true, Seed = seed + TrainingRun.EvaluationSeedOffset });
            bool solved = trained && eval.MeanReturn >= target.Value;
            var run = new Run(seed, solved, progress.EnvSteps, progress.WallSeconds, progress.RolloutSeconds, progress.UpdateSeconds, eval.MeanReturn);
            runs.Add(run);
            stdout.WriteLine(string.Create(c,
                $"seed {seed,3}: {(solved ? "solved  " : "UNSOLVED")} {run.EnvSteps,9:N0} steps  {run.WallSeconds,7:F2} s  (rollout {run.RolloutSeconds:F2} s, update {run.UpdateSeconds:F2} s)  eval {run.EvalMeanReturn:F1}"));
        }

        double median = Median(runs.Select(r => r.WallSeconds));
        stdout.WriteLine(string.Create(c,
            $"{preset} on {envId}, {threads} thread{(threads == 1 ? "" : "s")}: {runs.Count(r => r.Solved)}/{runs.Count} solved (target {target}), median {median:F2} s, " +
            $"min {runs.Min(r => r.WallSeconds):F2} s, max {runs.Max(r => r.WallSeconds):F2} s, median steps {Median(runs.Select(r => (double)r.EnvSteps)):N0}"));
        if (jsonPath is not null)
        {
            WriteJson(jsonPath, preset, threads, runs, median);
        }

        return runs.All(r => r.Solved) ? 0 : 1;
    }

    private static void WriteJson(string path, string preset, int threads, List<Run> runs, double median)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("preset", preset);
        json.WriteNumber("threads", threads);
        json.WriteString("machine", $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        json.WriteStartArray("runs");
        foreach (var r in runs)
        {
            json.WriteStartObject();
            json.WriteNumber("seed", r.Seed);
            json.WriteBoolean("solved", r.Solved);
            json.WriteNumber("env_steps", r.EnvSteps);
            json.WriteNumber("wall_seconds", r.WallSeconds);
            json.WriteNumber("rollout_seconds", r.RolloutSeconds);
            json.WriteNumber("update_seconds", r.UpdateSeconds);
            json.WriteNumber("eval_mean_return", r.EvalMeanReturn);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteNumber("median_wall_seconds", median);
        json.WriteEndObject();
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        int n = sorted.Length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
