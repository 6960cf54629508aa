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
            WriteOrNull(json, "preset", preset);
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
            WriteOrNull(json, "train_mean_return_last100", progress.Episodes.WindowCount > 0 ? progress.MeanReturn : null);
            WriteOrNull(json, "target_return", target);
            WriteOrNull(json, "eval_mean_return", evaluation?.MeanReturn);
            WriteOrNull(json, "eval_std_return", evaluation?.StdReturn);
            WriteOrNull(json, "eval_min_return", evaluation?.MinReturn);
            WriteOrNull(json, "eval_max_return", evaluation?.MaxReturn);
            WriteOrNull(json, "eval_success_rate", evaluation?.SuccessRate);
            json.WriteNumber("eval_episodes", evaluation?.Episodes ?? 0);
            WriteOrNull(json, "solved_at_env_steps", progress.SolvedAtEnvSteps);
            WriteOrNull(json, "solved_at_seconds", progress.SolvedAtSeconds);
            WriteOrNull(json, "error", error);
            WriteOrNull(json, "warning", warning);
            json.WriteString("dotnet", Environment.Version.ToString());
            json.WriteEndObject();
        }
    }

    private static void WriteOrNull(Utf8JsonWriter json, string name, double? value)
    {
        if (value is double v && double.IsFinite(v))
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter json, string name, long? value)
    {
        if (value is long v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }

    private static void WriteOrNull(Utf8JsonWriter json, string name, string? value)
    {
        if (value is null)
        {
            json.WriteNull(name);
        }
        else
        {
            json.WriteString(name, value);
        }
    }
}
