using System.Collections.Concurrent;
using System.Text.Json;

namespace Tensorless.Envs.Tests;

/// <summary>One line of a Gymnasium reference trajectory (see shared/fixtures/gymnasium/README.md).</summary>
internal sealed record FixtureRecord(
    bool IsReset,
    int Run,
    ulong? Seed,
    int T,
    double[] Action,
    double[] Obs,
    double Reward,
    bool Terminated,
    bool Truncated,
    double[] State);

/// <summary>A parsed fixture file: header facts and records in file order.</summary>
internal sealed record FixtureFile(string EnvId, int MaxEpisodeSteps, ulong[] Seeds, int StepsPerSeed, IReadOnlyList<FixtureRecord> Records)
{
    /// <summary>Records of run <paramref name="run"/>, in order.</summary>
    public IEnumerable<FixtureRecord> RunRecords(int run) => Records.Where(r => r.Run == run);
}

/// <summary>Finds and parses the reference trajectories; missing fixtures fail the test, never skip it.</summary>
internal static class Fixtures
{
    private static readonly ConcurrentDictionary<string, FixtureFile> Cache = new();

    /// <summary>The envs with a reference trajectory: the seven built-in classic-control envs, in registration order.</summary>
    public static TheoryData<string> Ids => new(Gym.Specs.Take(7).Select(s => s.Id));

    public static string Directory
    {
        get
        {
            string? overridden = Environment.GetEnvironmentVariable("TENSORLESS_FIXTURES");
            if (!string.IsNullOrEmpty(overridden))
            {
                return System.IO.Directory.Exists(overridden)
                    ? overridden
                    : throw new InvalidOperationException($"TENSORLESS_FIXTURES points to '{overridden}', which does not exist.");
            }

            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Tensorless.sln")))
                {
                    string path = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "fixtures", "gymnasium"));
                    return System.IO.Directory.Exists(path)
                        ? path
                        : throw new InvalidOperationException($"Gymnasium fixtures not found at '{path}' (set TENSORLESS_FIXTURES to override).");
                }
            }

            throw new InvalidOperationException($"No Tensorless.sln above '{AppContext.BaseDirectory}'; set TENSORLESS_FIXTURES to the fixtures folder.");
        }
    }

    public static FixtureFile Load(string envId) => Cache.GetOrAdd(envId, Parse);

    public static string PathOf(string envId)
    {
        string path = Path.Combine(Directory, envId + ".jsonl");
        return File.Exists(path) ? path : throw new InvalidOperationException($"Fixture file '{path}' is missing.");
    }

    private static FixtureFile Parse(string envId)
    {
        var lines = File.ReadAllLines(PathOf(envId));
        using var header = JsonDocument.Parse(lines[0]);
        var h = header.RootElement;
        var seeds = h.GetProperty("seeds").EnumerateArray().Select(e => e.GetUInt64()).ToArray();
        var records = new List<FixtureRecord>(lines.Length);
        foreach (string line in lines.Skip(1))
        {
            if (line.Length == 0)
            {
                continue;
            }

            records.Add(ParseRecord(line));
        }

        return new FixtureFile(h.GetProperty("env_id").GetString()!, h.GetProperty("max_episode_steps").GetInt32(), seeds, h.GetProperty("steps_per_seed").GetInt32(), records);
    }

    internal static FixtureRecord ParseRecord(string line)
    {
        using var doc = JsonDocument.Parse(line);
        var r = doc.RootElement;
        bool isReset = r.GetProperty("record").GetString() == "reset";
        if (isReset)
        {
            var seed = r.GetProperty("seed");
            return new FixtureRecord(true, r.GetProperty("run").GetInt32(), seed.ValueKind == JsonValueKind.Null ? null : seed.GetUInt64(), 0, [], Doubles(r.GetProperty("obs")), 0, false, false, Doubles(r.GetProperty("state")));
        }

        var action = r.GetProperty("action");
        double[] a = action.ValueKind == JsonValueKind.Array ? Doubles(action) : [action.GetDouble()];
        return new FixtureRecord(false, r.GetProperty("run").GetInt32(), null, r.GetProperty("t").GetInt32(), a, Doubles(r.GetProperty("obs")), r.GetProperty("reward").GetDouble(), r.GetProperty("terminated").GetBoolean(), r.GetProperty("truncated").GetBoolean(), Doubles(r.GetProperty("state")));
    }

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];
}
