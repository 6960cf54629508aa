using System.Globalization;
using System.Text;
using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Reports;

namespace Tensorless.Rl.Sweeps;

/// <summary>Mean, sample standard deviation, min and max of a set of values (NaN when empty; std 0 for one value).</summary>
/// <param name="Count">Number of values.</param>
/// <param name="Mean">Mean.</param>
/// <param name="Std">Sample standard deviation (n - 1).</param>
/// <param name="Min">Smallest.</param>
/// <param name="Max">Largest.</param>
public sealed record Stats(int Count, double Mean, double Std, double Min, double Max)
{
    /// <summary>Statistics of the finite values in <paramref name="values"/>.</summary>
    /// <param name="values">The values.</param>
    /// <returns>The statistics.</returns>
    public static Stats Of(IEnumerable<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        double[] v = [.. values.Where(double.IsFinite)];
        if (v.Length == 0)
        {
            return new Stats(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }

        double mean = v.Average();
        double std = v.Length > 1 ? Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1)) : 0;
        return new Stats(v.Length, mean, std, v.Min(), v.Max());
    }
}

/// <summary>How one finished member did, read from its summary.json and metrics.csv.</summary>
/// <param name="Seed">Training seed.</param>
/// <param name="Status">summary.json's status.</param>
/// <param name="FinalReturn">Mean of the last 100 training episodes at the end.</param>
/// <param name="EvalReturn">Mean evaluation return, or NaN.</param>
/// <param name="SolvedAtSteps">Env steps at which the last-100 mean first reached the threshold, or null.</param>
/// <param name="SolvedAtSeconds">Wall seconds at that point, or null.</param>
/// <param name="EnvSteps">Env steps trained.</param>
/// <param name="WallSeconds">Wall seconds trained.</param>
/// <param name="HasThreshold">Whether a solve threshold applied (the sweep's, or the member's target); without one
/// "solved" is not judged and the summary shows "-".</param>
public sealed record MemberOutcome(ulong Seed, string Status, double FinalReturn, double EvalReturn, long? SolvedAtSteps, double? SolvedAtSeconds, long EnvSteps, double WallSeconds, bool HasThreshold = true);

/// <summary>One row of the sweep table: a configuration's outcomes over its finished seeds.</summary>
/// <param name="Configuration">The configuration.</param>
/// <param name="Members">Finished members' outcomes.</param>
/// <param name="Final">Final training return over seeds.</param>
/// <param name="Eval">Evaluation return over seeds.</param>
/// <param name="MedianStepsToSolve">Median env steps to solve over the solved seeds, or NaN.</param>
/// <param name="MedianSecondsToSolve">Median wall seconds to solve over the solved seeds, or NaN.</param>
/// <param name="FractionSolved">Solved seeds over finished seeds; NaN when no finished seed had a solve threshold (a sweep trained with no target and no <c>solve_threshold</c>).</param>
public sealed record ConfigurationSummary(SweepConfiguration Configuration, IReadOnlyList<MemberOutcome> Members, Stats Final, Stats Eval,
    double MedianStepsToSolve, double MedianSecondsToSolve, double FractionSolved);

/// <summary>
/// The sweep table: per configuration, final and evaluation return (mean, std, min, max over seeds), median steps and
/// seconds to solve, fraction solved; and the best configuration (highest mean evaluation return, else highest mean
/// final return). Written as <c>sweep.csv</c> and <c>sweep.json</c>.
/// </summary>
/// <param name="Name">Sweep name.</param>
/// <param name="Rows">One row per configuration, in sweep order.</param>
/// <param name="Pending">Members not finished yet.</param>
public sealed record SweepSummary(string Name, IReadOnlyList<ConfigurationSummary> Rows, int Pending)
{
    /// <summary>The best row, or null when nothing has finished.</summary>
    public ConfigurationSummary? Best => Rows.Where(r => r.Members.Count > 0)
        .OrderByDescending(r => double.IsFinite(r.Eval.Mean) ? r.Eval.Mean : double.NegativeInfinity)
        .ThenByDescending(r => double.IsFinite(r.Final.Mean) ? r.Final.Mean : double.NegativeInfinity)
        .FirstOrDefault();

    /// <summary>Reads every finished member of <paramref name="spec"/> under <paramref name="directory"/>.</summary>
    /// <param name="spec">The sweep.</param>
    /// <param name="directory">The sweep directory.</param>
    /// <returns>The summary.</returns>
    public static SweepSummary Compute(SweepSpec spec, string directory)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int pending = 0;
        var rows = new List<ConfigurationSummary>();
        foreach (var group in spec.Members(directory).GroupBy(m => m.Configuration.Slug))
        {
            var outcomes = new List<MemberOutcome>();
            foreach (var member in group)
            {
                if (ReadOutcome(member, spec.SolveThreshold) is MemberOutcome o)
                {
                    outcomes.Add(o);
                }
                else
                {
                    pending++;
                }
            }

            var solved = outcomes.Where(o => o.SolvedAtSteps is not null).ToList();
            rows.Add(new ConfigurationSummary(group.First().Configuration, outcomes,
                Stats.Of(outcomes.Select(o => o.FinalReturn)), Stats.Of(outcomes.Select(o => o.EvalReturn)),
                Median(solved.Select(o => (double)o.SolvedAtSteps!.Value)), Median(solved.Select(o => o.SolvedAtSeconds ?? double.NaN)),
                outcomes.Count > 0 && outcomes.Any(o => o.HasThreshold) ? (double)solved.Count / outcomes.Count : double.NaN));
        }

        return new SweepSummary(spec.Name ?? Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar)), rows, pending);
    }

    /// <summary>
    /// Whether <paramref name="runDirectory"/> holds a finished run: a summary.json that parses, with a status other than
    /// <c>interrupted</c> (a diverged run is a finished outcome).
    /// </summary>
    /// <param name="runDirectory">A member's run directory.</param>
    /// <returns>True when finished.</returns>
    public static bool IsFinished(string runDirectory) => ReadStatus(runDirectory) is "solved" or "budget_exhausted" or "diverged";

    /// <summary>Reads one member's outcome, or null when it has not finished.</summary>
    /// <param name="member">The member.</param>
    /// <param name="solveThreshold">Solve threshold; null uses the member's target_return.</param>
    /// <returns>The outcome.</returns>
    public static MemberOutcome? ReadOutcome(SweepMember member, double? solveThreshold)
    {
        ArgumentNullException.ThrowIfNull(member);
        if (!IsFinished(member.Directory))
        {
            return null;
        }

        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(member.Directory, "summary.json")));
        var root = doc.RootElement;
        double threshold = solveThreshold ?? Number(root, "target_return");
        long? solvedSteps = root.TryGetProperty("solved_at_env_steps", out var s) && s.ValueKind == JsonValueKind.Number ? s.GetInt64() : null;
        double? solvedSeconds = solvedSteps is null ? null : Number(root, "solved_at_seconds");
        if (double.IsFinite(threshold) && (solvedSteps is null || solveThreshold is not null))
        {
            // The first update whose last-100 mean reached the threshold, independent of whether the run stopped there.
            var table = MetricsTable.Read(Path.Combine(member.Directory, "metrics.csv"));
            double[]? ret = table.Column("episode_return_mean"), steps = table.Column("env_steps"), wall = table.Column("wall_seconds");
            (solvedSteps, solvedSeconds) = (null, null);
            for (int i = 0; ret is not null && steps is not null && i < ret.Length; i++)
            {
                if (ret[i] >= threshold)
                {
                    solvedSteps = (long)steps[i];
                    solvedSeconds = wall?[i];
                    break;
                }
            }
        }

        return new MemberOutcome(member.Seed, root.GetProperty("status").GetString()!, Number(root, "train_mean_return_last100"), Number(root, "eval_mean_return"),
            solvedSteps, solvedSeconds, root.GetProperty("env_steps").GetInt64(), Number(root, "wall_seconds"), double.IsFinite(threshold));
    }

    /// <summary>Writes <c>sweep.csv</c> and <c>sweep.json</c> into <paramref name="directory"/>.</summary>
    /// <param name="directory">The sweep directory.</param>
    public void Write(string directory)
    {
        AtomicFiles.WriteText(Path.Combine(directory, "sweep.csv"), ToCsv());
        AtomicFiles.WriteText(Path.Combine(directory, "sweep.json"), ToJson());
    }

    /// <summary>The table as CSV, one row per configuration.</summary>
    /// <returns>CSV text.</returns>
    public string ToCsv()
    {
        var sb = new StringBuilder("configuration,seeds,final_mean,final_std,final_min,final_max,eval_mean,eval_std,eval_min,eval_max,median_steps_to_solve,median_seconds_to_solve,fraction_solved\n");
        foreach (var r in Rows)
        {
            sb.AppendLine(string.Join(",", [Quote(r.Configuration.Label), r.Members.Count.ToString(CultureInfo.InvariantCulture),
                N(r.Final.Mean), N(r.Final.Std), N(r.Final.Min), N(r.Final.Max), N(r.Eval.Mean), N(r.Eval.Std), N(r.Eval.Min), N(r.Eval.Max),
                N(r.MedianStepsToSolve), N(r.MedianSecondsToSolve), N(r.FractionSolved)]));
        }

        return sb.ToString();
    }

    /// <summary>The table as JSON: name, pending, best and one object per configuration with its seeds' outcomes.</summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteString("name", Name);
            w.WriteNumber("pending_members", Pending);
            if (Best is { } best) { w.WriteString("best", best.Configuration.Label); } else { w.WriteNull("best"); }
            w.WriteStartArray("configurations");
            foreach (var r in Rows)
            {
                w.WriteStartObject();
                w.WriteString("configuration", r.Configuration.Label);
                w.WriteString("slug", r.Configuration.Slug);
                w.WriteStartObject("settings");
                foreach (var s in r.Configuration.Settings) { w.WriteString(s.Key, s.Value); }
                w.WriteEndObject();
                w.WriteNumber("seeds", r.Members.Count);
                WriteStats(w, "final_return", r.Final);
                WriteStats(w, "eval_return", r.Eval);
                Num(w, "median_steps_to_solve", r.MedianStepsToSolve);
                Num(w, "median_seconds_to_solve", r.MedianSecondsToSolve);
                Num(w, "fraction_solved", r.FractionSolved);
                w.WriteStartArray("members");
                foreach (var m in r.Members)
                {
                    w.WriteStartObject();
                    w.WriteNumber("seed", m.Seed);
                    w.WriteString("status", m.Status);
                    Num(w, "final_return", m.FinalReturn);
                    Num(w, "eval_return", m.EvalReturn);
                    if (m.SolvedAtSteps is long st) { w.WriteNumber("solved_at_env_steps", st); } else { w.WriteNull("solved_at_env_steps"); }
                    w.WriteNumber("env_steps", m.EnvSteps);
                    Num(w, "wall_seconds", m.WallSeconds);
                    w.WriteEndObject();
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The table as aligned text for the console, with the best-configuration line.</summary>
    /// <returns>Lines of text.</returns>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        int width = Math.Max(13, Rows.Select(r => r.Configuration.Label.Length).DefaultIfEmpty(0).Max());
        var sb = new StringBuilder();
        sb.AppendLine(string.Create(c, $"{"configuration".PadRight(width)}  seeds  final mean +/- std [min, max]      eval mean +/- std [min, max]       solved  median steps  median s"));
        foreach (var r in Rows)
        {
            sb.AppendLine(string.Create(c, $"{r.Configuration.Label.PadRight(width)}  {r.Members.Count,5}  {Range(r.Final),-33} {Range(r.Eval),-33} {Fraction(r),6}  {T(r.MedianStepsToSolve, "N0"),12}  {T(r.MedianSecondsToSolve, "F1"),8}"));
        }

        if (Pending > 0)
        {
            sb.AppendLine(string.Create(c, $"{Pending} member(s) not finished; run the sweep again to continue."));
        }

        sb.AppendLine(Best is { } best
            ? string.Create(c, $"Best configuration: {best.Configuration.Label} (eval {T(best.Eval.Mean, "F1")} +/- {T(best.Eval.Std, "F1")}, final {T(best.Final.Mean, "F1")}, solved {Fraction(best)}).")
            : "Best configuration: none finished yet.");
        return sb.ToString();
    }

    private static string Range(Stats s) => s.Count == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{s.Mean:F1} +/- {s.Std:F1} [{s.Min:F1}, {s.Max:F1}]");

    private static string Fraction(ConfigurationSummary r) => double.IsNaN(r.FractionSolved) ? "-" : $"{r.Members.Count(m => m.SolvedAtSteps is not null)}/{r.Members.Count}";

    private static string T(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";

    private static double Median(IEnumerable<double> values)
    {
        double[] v = [.. values.Where(double.IsFinite).Order()];
        return v.Length == 0 ? double.NaN : v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static string? ReadStatus(string dir)
    {
        string path = Path.Combine(dir, "summary.json");
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return doc.RootElement.TryGetProperty("status", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static double Number(JsonElement root, string name) =>
        root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : double.NaN;

    private static void WriteStats(Utf8JsonWriter w, string name, Stats s)
    {
        w.WriteStartObject(name);
        Num(w, "mean", s.Mean);
        Num(w, "std", s.Std);
        Num(w, "min", s.Min);
        Num(w, "max", s.Max);
        w.WriteEndObject();
    }

    private static void Num(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) { w.WriteNumber(name, v); } else { w.WriteNull(name); }
    }

    private static string N(double v) => double.IsFinite(v) ? v.ToString("R", CultureInfo.InvariantCulture) : "";

    private static string Quote(string s) => "\"" + s.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
}
