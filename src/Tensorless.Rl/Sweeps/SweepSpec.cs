using System.Globalization;
using System.Text;
using System.Text.Json;
using Tensorless.Rl.Runs;

namespace Tensorless.Rl.Sweeps;

/// <summary>
/// A sweep: one base run (preset, algorithm, env, budget, fixed overrides) times a set of configurations (a grid over
/// <see cref="Grid"/>, or <see cref="RandomSamples"/> draws from it) times <see cref="Seeds"/>. Each member is an
/// ordinary run directory <c>&lt;sweep&gt;/&lt;configuration slug&gt;/seed&lt;k&gt;/</c>. Built by the CLI from
/// <c>--grid</c>/<c>--seeds</c>, read from a JSON file (<see cref="Parse"/>), or taken from <see cref="SweepPresets"/>.
/// </summary>
public sealed record SweepSpec
{
    /// <summary>A name for titles and reports; null uses the sweep directory's name.</summary>
    public string? Name { get; init; }

    /// <summary>Preset every member starts from (<see cref="RunRequest.Preset"/>), or null.</summary>
    public string? Preset { get; init; }

    /// <summary>Algorithm registry name, or null for the preset's.</summary>
    public string? Algorithm { get; init; }

    /// <summary>Env id, or null for the preset's.</summary>
    public string? EnvId { get; init; }

    /// <summary>Env-step budget of each member; null takes the preset's. Shrinks a study (and its meaning).</summary>
    public long? TotalSteps { get; init; }

    /// <summary>Stop return of each member; null takes the preset's or the env's threshold.</summary>
    public double? Target { get; init; }

    /// <summary>True to train every member's whole budget whatever its return.</summary>
    public bool NoTarget { get; init; }

    /// <summary>
    /// Return that counts as solved in the summary: the first update whose last-100 mean reaches it (from metrics.csv),
    /// independent of the stop target; null uses each member's target (summary.json's <c>target_return</c>).
    /// </summary>
    public double? SolveThreshold { get; init; }

    /// <summary>Episodes of each member's final deterministic evaluation (0 skips it).</summary>
    public int EvalEpisodes { get; init; } = 100;

    /// <summary>
    /// Threads per member's gradient computation; null takes <see cref="RunSetup.DefaultThreads"/>. With
    /// <see cref="Population"/>, the number of members trained side by side instead.
    /// </summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Train the members side by side as one population (<see cref="Populations.PopulationRun"/>), each on one thread, instead
    /// of one after another on <see cref="Threads"/> threads each. A member's bits are those of its one-thread solo run.
    /// </summary>
    public bool Population { get; init; }

    /// <summary>Overrides shared by every member, <c>key=value</c> each.</summary>
    public IReadOnlyList<string> Set { get; init; } = [];

    /// <summary>The swept options; empty sweeps seeds only.</summary>
    public IReadOnlyList<SweepAxis> Grid { get; init; } = [];

    /// <summary>Null for the full grid; N to draw N distinct configurations at random from the axes (random search).</summary>
    public int? RandomSamples { get; init; }

    /// <summary>Seed of the random search's draws (not of training).</summary>
    public int RandomSeed { get; init; }

    /// <summary>Training seeds; every configuration runs each one.</summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [1];

    /// <summary>Checks the spec's own fields (the overrides are checked when a member is prepared).</summary>
    /// <exception cref="ArgumentException">A field is invalid; the message names it.</exception>
    public void Validate()
    {
        if (Seeds.Count == 0)
        {
            throw new ArgumentException("A sweep needs at least one seed.");
        }

        if (Seeds.Distinct().Count() != Seeds.Count)
        {
            throw new ArgumentException("Seeds repeat; each seed may appear once.");
        }

        if (RandomSamples is int n && n < 1)
        {
            throw new ArgumentException($"--random must be positive, got {n}.");
        }

        if (TotalSteps is long steps && steps < 1)
        {
            throw new ArgumentException($"--total-steps must be positive, got {steps}.");
        }

        if (EvalEpisodes < 0)
        {
            throw new ArgumentException($"--eval-episodes must be 0 or more, got {EvalEpisodes}.");
        }

        var keys = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var axis in Grid)
        {
            if (!keys.Add(axis.Key))
            {
                throw new ArgumentException($"The option '{axis.Key}' is swept twice.");
            }

            if (RandomSamples is null && axis.Values.Any(v => SweepAxis.TryParseRange(v, out _, out _, out _)))
            {
                throw new ArgumentException($"'{axis.Key}' has a range; ranges need a random search (--random N).");
            }
        }
    }

    /// <summary>The configurations, in grid order (the last axis varies fastest) or in draw order for a random search.</summary>
    /// <returns>Distinct configurations.</returns>
    public IReadOnlyList<SweepConfiguration> Configurations()
    {
        Validate();
        if (RandomSamples is int samples)
        {
            return RandomConfigurations(samples);
        }

        var result = new List<SweepConfiguration> { new([]) };
        foreach (var axis in Grid)
        {
            result = [.. result.SelectMany(c => axis.Values.Select(v => new SweepConfiguration([.. c.Settings, new SweepSetting(axis.Key, v)])))];
        }

        return result;
    }

    /// <summary>Every member (configuration x seed) with its run directory under <paramref name="sweepDirectory"/>, configurations outermost.</summary>
    /// <param name="sweepDirectory">The sweep directory.</param>
    /// <returns>The members in run order.</returns>
    public IReadOnlyList<SweepMember> Members(string sweepDirectory)
    {
        ArgumentNullException.ThrowIfNull(sweepDirectory);
        return [.. Configurations().SelectMany(c => Seeds.Select(s => new SweepMember(c, s, Path.Combine(sweepDirectory, c.Slug, $"seed{s}"))))];
    }

    /// <summary>The run request of one member.</summary>
    /// <param name="member">A member of this sweep.</param>
    /// <returns>The request <see cref="TrainingRun.Prepare"/> takes.</returns>
    public RunRequest Request(SweepMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        return new RunRequest
        {
            Preset = Preset,
            Algorithm = Algorithm,
            EnvId = EnvId,
            Seed = member.Seed,
            TotalSteps = TotalSteps,
            Target = Target,
            NoTarget = NoTarget,
            EvalEpisodes = EvalEpisodes,
            Threads = Threads,
            Overrides = [.. Set, .. member.Configuration.Overrides],
            OutputDirectory = member.Directory,
        };
    }

    /// <summary>Parses a seed list: numbers and inclusive ranges separated by commas, e.g. <c>1-5</c> or <c>1,3,10-12</c>.</summary>
    /// <param name="text">The list.</param>
    /// <returns>The seeds in the order given.</returns>
    /// <exception cref="ArgumentException">Not a list of whole numbers and ranges.</exception>
    public static IReadOnlyList<ulong> ParseSeeds(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var seeds = new List<ulong>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int dash = part.IndexOf('-', 1);
            if (dash > 0 && ulong.TryParse(part[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out ulong from)
                && ulong.TryParse(part[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out ulong to) && to >= from && to - from < 100_000)
            {
                for (ulong s = from; s <= to; s++)
                {
                    seeds.Add(s);
                }
            }
            else if (ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out ulong single))
            {
                seeds.Add(single);
            }
            else
            {
                throw new ArgumentException($"--seeds takes whole numbers and ranges such as 1-5,7; '{part}' is neither.");
            }
        }

        return seeds.Count > 0 ? seeds : throw new ArgumentException("--seeds is empty.");
    }

    /// <summary>
    /// Reads a sweep file: <c>{"name", "preset", "algo", "env", "total_steps", "target" (number or "none"),
    /// "eval_episodes", "solve_threshold", "threads", "set": ["k=v"], "grid": {"key": [values]}, "random", "random_seed",
    /// "seeds": "1-5" or [1, 2]}</c>; every field is optional.
    /// </summary>
    /// <param name="json">The file's text.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ArgumentException">Malformed JSON or an unknown or mistyped field.</exception>
    public static SweepSpec Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            var spec = new SweepSpec();
            foreach (var p in doc.RootElement.EnumerateObject())
            {
                var v = p.Value;
                spec = p.Name switch
                {
                    "name" => spec with { Name = v.GetString() },
                    "preset" => spec with { Preset = v.GetString() },
                    "algo" => spec with { Algorithm = v.GetString() },
                    "env" => spec with { EnvId = v.GetString() },
                    "total_steps" => spec with { TotalSteps = v.GetInt64() },
                    "target" => v.ValueKind == JsonValueKind.String && string.Equals(v.GetString(), "none", StringComparison.OrdinalIgnoreCase)
                        ? spec with { NoTarget = true } : spec with { Target = v.GetDouble() },
                    "eval_episodes" => spec with { EvalEpisodes = v.GetInt32() },
                    "solve_threshold" => spec with { SolveThreshold = v.GetDouble() },
                    "threads" => spec with { Threads = v.GetInt32() },
                    "population" => spec with { Population = v.GetBoolean() },
                    "set" => spec with { Set = [.. v.EnumerateArray().Select(e => e.GetString() ?? "")] },
                    "grid" => spec with { Grid = [.. v.EnumerateObject().Select(a => new SweepAxis(a.Name, [.. a.Value.EnumerateArray().Select(ValueText)]))] },
                    "random" => spec with { RandomSamples = v.GetInt32() },
                    "random_seed" => spec with { RandomSeed = v.GetInt32() },
                    "seeds" => spec with { Seeds = v.ValueKind == JsonValueKind.String ? ParseSeeds(v.GetString()!) : [.. v.EnumerateArray().Select(e => e.GetUInt64())] },
                    _ => throw new ArgumentException($"Unknown sweep field '{p.Name}'."),
                };
            }

            spec.Validate();
            return spec;
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or FormatException)
        {
            throw new ArgumentException($"Not a valid sweep file: {ex.Message}", ex);
        }
    }

    /// <summary>Writes the spec in the sweep-file format <see cref="Parse"/> reads (values as strings).</summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            if (Name is not null) { w.WriteString("name", Name); }
            if (Preset is not null) { w.WriteString("preset", Preset); }
            if (Algorithm is not null) { w.WriteString("algo", Algorithm); }
            if (EnvId is not null) { w.WriteString("env", EnvId); }
            if (TotalSteps is long steps) { w.WriteNumber("total_steps", steps); }
            if (NoTarget) { w.WriteString("target", "none"); }
            else if (Target is double t) { w.WriteNumber("target", t); }
            w.WriteNumber("eval_episodes", EvalEpisodes);
            if (SolveThreshold is double solve) { w.WriteNumber("solve_threshold", solve); }
            if (Threads is int threads) { w.WriteNumber("threads", threads); }
            if (Population) { w.WriteBoolean("population", true); }
            w.WriteStartArray("set");
            foreach (string s in Set) { w.WriteStringValue(s); }
            w.WriteEndArray();
            w.WriteStartObject("grid");
            foreach (var axis in Grid)
            {
                w.WriteStartArray(axis.Key);
                foreach (string v in axis.Values) { w.WriteStringValue(v); }
                w.WriteEndArray();
            }

            w.WriteEndObject();
            if (RandomSamples is int n) { w.WriteNumber("random", n); w.WriteNumber("random_seed", RandomSeed); }
            w.WriteStartArray("seeds");
            foreach (ulong s in Seeds) { w.WriteNumberValue(s); }
            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string ValueText(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString()! : e.GetRawText();

    private List<SweepConfiguration> RandomConfigurations(int samples)
    {
        var random = new Random(RandomSeed);
        var result = new List<SweepConfiguration>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int attempt = 0; attempt < samples * 50 && result.Count < samples; attempt++)
        {
            var settings = new List<SweepSetting>();
            foreach (var axis in Grid)
            {
                string pick = axis.Values[random.Next(axis.Values.Count)];
                if (SweepAxis.TryParseRange(pick, out bool log, out double low, out double high))
                {
                    double u = random.NextDouble();
                    double x = log ? Math.Exp(Math.Log(low) + (u * (Math.Log(high) - Math.Log(low)))) : low + (u * (high - low));
                    pick = x.ToString("G4", CultureInfo.InvariantCulture);
                }

                settings.Add(new SweepSetting(axis.Key, pick));
            }

            var configuration = new SweepConfiguration(settings);
            if (seen.Add(configuration.Slug))
            {
                result.Add(configuration);
            }
        }

        return result;
    }
}
