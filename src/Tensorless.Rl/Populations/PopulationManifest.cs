using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Runs;

namespace Tensorless.Rl.Populations;

/// <summary>
/// <c>population.json</c>: the members' requests (so a member that never reached its first checkpoint restarts as asked),
/// their directories relative to the population directory, the thread count, and, once training ends, each member's
/// outcome and the population's throughput. Written atomically before training starts and again at its end.
/// </summary>
internal static class PopulationManifest
{
    public const string FileName = "population.json";

    private const string Format = "tensorless-population";
    private const int Version = 1;

    /// <summary>Whether <paramref name="directory"/> holds a population.</summary>
    public static bool Exists(string directory) => File.Exists(Path.Combine(directory, FileName));

    /// <summary>Writes the manifest; <paramref name="result"/> adds the outcomes.</summary>
    public static void Write(string directory, IReadOnlyList<RunRequest> members, int threads, PopulationResult? result)
    {
        AtomicFiles.WriteAll(directory, [(FileName, stream =>
        {
            using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
            json.WriteStartObject();
            json.WriteString("format", Format);
            json.WriteNumber("version", Version);
            json.WriteNumber("threads", threads);
            json.WriteNumber("member_count", members.Count);
            if (result is not null)
            {
                json.WriteNumber("solved", result.Solved);
                json.WriteNumber("wall_seconds", result.WallSeconds);
                json.WriteNumber("env_steps_this_process", result.StepsThisProcess);
                json.WriteNumber("steps_per_second", result.StepsPerSecond);
                json.WriteBoolean("interrupted", result.Interrupted);
            }

            json.WriteStartArray("members");
            for (int i = 0; i < members.Count; i++)
            {
                WriteMember(json, directory, members[i], result?.Members[i]);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        })]);
    }

    /// <summary>Reads the members' requests and the thread count back.</summary>
    /// <exception cref="InvalidDataException">The file is missing, not a population manifest, or malformed; the message says which.</exception>
    public static (IReadOnlyList<RunRequest> Members, int Threads) Read(string directory)
    {
        string path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            throw new InvalidDataException($"{directory} holds no {FileName}: it is not a population directory.");
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            if (!root.TryGetProperty("format", out var format) || format.GetString() != Format)
            {
                throw new InvalidDataException($"{path} is not a population manifest (format is not '{Format}').");
            }

            if (root.GetProperty("version").GetInt32() != Version)
            {
                throw new InvalidDataException($"{path} has version {root.GetProperty("version")}; this build reads version {Version}.");
            }

            int threads = root.GetProperty("threads").GetInt32();
            var members = new List<RunRequest>();
            foreach (var m in root.GetProperty("members").EnumerateArray())
            {
                members.Add(ReadMember(m, directory));
            }

            if (members.Count == 0)
            {
                throw new InvalidDataException($"{path} lists no members.");
            }

            return (members, threads);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"{path} is corrupt: {e.Message}", e);
        }
    }

    private static void WriteMember(Utf8JsonWriter json, string directory, RunRequest r, PopulationMemberOutcome? outcome)
    {
        json.WriteStartObject();
        json.WriteString("directory", Path.GetRelativePath(directory, r.OutputDirectory!));
        json.WriteOrNull("algo", r.Algorithm);
        json.WriteOrNull("env", r.EnvId);
        json.WriteOrNull("preset", r.Preset);
        json.WriteOrNull("seed", r.Seed);
        json.WriteOrNull("total_steps", r.TotalSteps);
        json.WriteOrNull("target", r.Target);
        json.WriteBoolean("no_target", r.NoTarget);
        json.WriteNumber("eval_episodes", r.EvalEpisodes);
        json.WriteOrNull("checkpoint_every_seconds", r.CheckpointInterval?.TotalSeconds);
        json.WriteStartArray("overrides");
        foreach (string o in r.Overrides)
        {
            json.WriteStringValue(o);
        }

        json.WriteEndArray();
        if (outcome is not null)
        {
            json.WriteString("status", RunSummary.StatusName(outcome.Status));
            json.WriteNumber("env_steps", outcome.EnvSteps);
            json.WriteOrNull("solved_at_env_steps", outcome.SolvedAtEnvSteps);
            json.WriteOrNull("train_mean_return_last100", outcome.TrainMeanReturn);
            json.WriteOrNull("eval_mean_return", outcome.EvalMeanReturn);
        }

        json.WriteEndObject();
    }

    private static RunRequest ReadMember(JsonElement m, string directory)
    {
        string relative = m.GetProperty("directory").GetString() ?? throw new FormatException("a member's directory is null");
        return new RunRequest
        {
            Algorithm = String(m, "algo"),
            EnvId = String(m, "env"),
            Preset = String(m, "preset"),
            Seed = m.GetProperty("seed") is { ValueKind: JsonValueKind.Number } seed ? seed.GetUInt64() : null,
            TotalSteps = m.GetProperty("total_steps") is { ValueKind: JsonValueKind.Number } steps ? steps.GetInt64() : null,
            Target = m.GetProperty("target") is { ValueKind: JsonValueKind.Number } target ? target.GetDouble() : null,
            NoTarget = m.GetProperty("no_target").GetBoolean(),
            EvalEpisodes = m.GetProperty("eval_episodes").GetInt32(),
            CheckpointInterval = m.GetProperty("checkpoint_every_seconds") is { ValueKind: JsonValueKind.Number } every ? TimeSpan.FromSeconds(every.GetDouble()) : null,
            Overrides = [.. m.GetProperty("overrides").EnumerateArray().Select(o => o.GetString() ?? throw new FormatException("an override is null"))],
            OutputDirectory = Path.GetFullPath(Path.Combine(directory, relative)),
            Threads = 1,
        };
    }

    private static string? String(JsonElement m, string name) => m.GetProperty(name) is { ValueKind: JsonValueKind.String } s ? s.GetString() : null;
}
