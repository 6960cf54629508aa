using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Runs;

/// <summary>Writes <c>summary.json</c>: what ran, how long each part took, how well it did, and when it was solved.</summary>
internal static class RunSummary
{
    public const string FileName = "summary.json";

    /// <summary>The status as summary.json spells it.</summary>
    public static string StatusName(RunStatus status) => status switch
    {
        RunStatus.Solved => "solved",
        RunStatus.BudgetExhausted => "budget_exhausted",
        RunStatus.Interrupted => "interrupted",
        _ => "diverged",
    };

    /// <summary>The status <see cref="StatusName"/> spelled; an unknown name reads as diverged, the status that promises least.</summary>
    public static RunStatus ParseStatus(string? name) => name switch
    {
        "solved" => RunStatus.Solved,
        "budget_exhausted" => RunStatus.BudgetExhausted,
        "interrupted" => RunStatus.Interrupted,
        _ => RunStatus.Diverged,
    };

    public static void Write(string directory, RunStatus runStatus, RunSetup setup, TrainingProgress progress, EvaluationResult? evaluation, string? error = null, string? warning = null)
    {
        Directory.CreateDirectory(directory);
        string status = StatusName(runStatus);
        string algo = setup.Algorithm.Name;
        string envId = setup.EnvId;
        string? preset = setup.Preset;
        ulong seed = setup.Seed;
        int numEnvs = setup.NumEnvs;
        int threads = setup.Threads;
        bool reproducible = setup.Options.Reproducible;
        double? target = setup.Target;
        AtomicFiles.WriteAll(directory, [(FileName, stream => WriteJson(stream, status, algo, envId, preset, seed, numEnvs, threads, reproducible, progress, target, evaluation, error, warning))]);
    }

    private static void WriteJson(Stream stream, string status, string algo, string envId, string? preset, ulong seed, int numEnvs, int threads, bool reproducible,
        TrainingProgress progress, double? target, EvaluationResult? evaluation, string? error, string? warning)
    {
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("status", status);
            json.WriteString("algo", algo);
            json.WriteString("env", envId);
            json.WriteOrNull("preset", preset);
            json.WriteNumber("seed", seed);
            json.WriteNumber("num_envs", numEnvs);
            json.WriteNumber("threads", threads);
            json.WriteBoolean("reproducible", reproducible);
            json.WriteNumber("env_steps", progress.EnvSteps);
            json.WriteNumber("updates", progress.Updates);
            json.WriteNumber("wall_seconds", progress.WallSeconds);
            json.WriteNumber("rollout_seconds", progress.RolloutSeconds);
            json.WriteNumber("update_seconds", progress.UpdateSeconds);
            json.WriteNumber("steps_per_second", progress.WallSeconds > 0 ? progress.EnvSteps / progress.WallSeconds : 0);
            json.WriteNumber("train_episodes", progress.Episodes.EpisodeCount);
            json.WriteOrNull("train_mean_return_last100", progress.Episodes.WindowCount > 0 ? progress.MeanReturn : null);
            json.WriteOrNull("target_return", target);
            json.WriteOrNull("eval_mean_return", evaluation?.MeanReturn);
            json.WriteOrNull("eval_std_return", evaluation?.StdReturn);
            json.WriteOrNull("eval_min_return", evaluation?.MinReturn);
            json.WriteOrNull("eval_max_return", evaluation?.MaxReturn);
            json.WriteOrNull("eval_success_rate", evaluation?.SuccessRate);
            json.WriteNumber("eval_episodes", evaluation?.Episodes ?? 0);
            json.WriteOrNull("solved_at_env_steps", progress.SolvedAtEnvSteps);
            json.WriteOrNull("solved_at_seconds", progress.SolvedAtSeconds);
            json.WriteOrNull("error", error);
            json.WriteOrNull("warning", warning);
            json.WriteString("dotnet", Environment.Version.ToString());
            json.WriteEndObject();
        }
    }
}
