using System.Text.Json;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Training;

/// <summary>Writes <c>summary.json</c>: what ran, how long each part took, how well it did, and when it was solved.</summary>
internal static class RunSummary
{
    public const string FileName = "summary.json";

    public static void Write(string directory, string status, string algo, string envId, string? preset, ulong seed, int numEnvs, int threads,
        TrainingProgress progress, double? target, EvaluationResult? evaluation, string? error = null)
    {
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, FileName);
        string temp = path + ".tmp";
        using (var stream = File.Create(temp))
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
            json.WriteString("dotnet", Environment.Version.ToString());
            json.WriteEndObject();
        }

        File.Move(temp, path, overwrite: true);
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
