using System.Text.Json;
using Tensorless.Rl.Runs;

namespace Tensorless.Rl.Populations;

/// <summary>What a population reports: its status after each tick, and each member's outcome at the end.</summary>
public sealed partial class PopulationRun
{
    private PopulationStatus Status(long stepsBefore, double seconds)
    {
        int members = 0, solved = 0, diverged = 0;
        long steps = 0;
        var returns = new List<double>(_runs.Length);
        foreach (var run in _runs)
        {
            if (run is null)
            {
                continue;
            }

            members++;
            var p = run.Agent.Learner.Progress;
            steps += p.EnvSteps;
            solved += p.SolvedAtEnvSteps is null ? 0 : 1;
            diverged += run.HasDiverged ? 1 : 0;
            if (p.Episodes.WindowCount > 0)
            {
                returns.Add(p.MeanReturn);
            }
        }

        double mean = returns.Count > 0 ? returns.Average() : double.NaN;
        double std = returns.Count > 0 ? Math.Sqrt(returns.Sum(r => (r - mean) * (r - mean)) / returns.Count) : double.NaN;
        return new PopulationStatus(members, _activeCount, solved, diverged, steps, steps - stepsBefore, seconds, mean, std,
            returns.Count > 0 ? returns.Min() : double.NaN, returns.Count > 0 ? returns.Max() : double.NaN);
    }

    private static PopulationMemberOutcome Outcome(RunResult result, RunRequest request, TrainingRun run) =>
        new(request.OutputDirectory!, run.Setup.Seed, result.Status, result.Progress.EnvSteps, result.Progress.SolvedAtEnvSteps,
            result.Progress.Episodes.WindowCount > 0 ? result.Progress.MeanReturn : null, result.Evaluation?.MeanReturn, Trained: true);

    /// <summary>A finished member's outcome from its summary.json.</summary>
    private static PopulationMemberOutcome ReadOutcome(RunRequest request)
    {
        string dir = request.OutputDirectory!;
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, RunSummary.FileName)));
        var root = doc.RootElement;
        var status = RunSummary.ParseStatus(root.GetProperty("status").GetString());
        long? solved = root.GetProperty("solved_at_env_steps") is { ValueKind: JsonValueKind.Number } s ? s.GetInt64() : null;
        double? train = root.GetProperty("train_mean_return_last100") is { ValueKind: JsonValueKind.Number } t ? t.GetDouble() : null;
        double? eval = root.GetProperty("eval_mean_return") is { ValueKind: JsonValueKind.Number } e ? e.GetDouble() : null;
        return new PopulationMemberOutcome(dir, root.GetProperty("seed").GetUInt64(), status, root.GetProperty("env_steps").GetInt64(), solved, train, eval, Trained: false);
    }
}
