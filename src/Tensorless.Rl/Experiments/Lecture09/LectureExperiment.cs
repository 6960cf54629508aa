using System.Globalization;
using System.Text.Json.Nodes;

namespace Tensorless.Rl.Experiments.Lecture09;

/// <summary>Settings shared by the lecture's experiments.</summary>
public sealed record ExperimentSettings
{
    /// <summary>Seed of every generator an experiment uses (the lecture's <c>setup_seed(42)</c>; exp01 uses its own 2024).</summary>
    public ulong Seed { get; init; } = 42;

    /// <summary>Overrides the number of updates (exp07-09) or episodes (exp02), for quick checks; null for the lecture's.</summary>
    public int? Budget { get; init; }
}

/// <summary>What one experiment printed and recorded.</summary>
/// <param name="Name">Short name, e.g. <c>exp03</c>.</param>
/// <param name="Title">The lecture's title for it.</param>
/// <param name="Lines">Printed lines: each of our numbers beside the lecture's published one.</param>
/// <param name="Json">Machine-readable results (written as <c>NAME.json</c>).</param>
/// <param name="Svg">A plot where the lecture plots (written as <c>NAME.svg</c>), else null.</param>
public sealed record ExperimentReport(string Name, string Title, IReadOnlyList<string> Lines, JsonObject Json, string? Svg);

/// <summary>One of the lecture's experiments: a name, its title and how to run it.</summary>
/// <param name="Name">Short name, e.g. <c>exp03</c>.</param>
/// <param name="Title">The lecture's title.</param>
/// <param name="Run">Runs it.</param>
public sealed record LectureExperiment(string Name, string Title, Func<ExperimentSettings, ExperimentReport> Run);

/// <summary>
/// Lecture 9's nine experiments (seed 003, "Actor-Critic Methods": exp01_setup.py ... exp09_integrated_a2c.py), run
/// on this library: each prints our number beside the lecture's. docs/seeds.md says where and why they differ.
/// </summary>
public static class LectureExperiments
{
    /// <summary>The experiments in the lecture's order.</summary>
    public static IReadOnlyList<LectureExperiment> All { get; } =
    [
        new("exp01", "Setup verification", Exp01Setup.Run),
        new("exp02", "Value function basics", Exp02MonteCarloValue.Run),
        new("exp03", "Policy gradient review", Exp03PolicyGradient.Run),
        new("exp04", "Actor-critic architecture", Exp04ActorCritic.Run),
        new("exp05", "Advantage computation methods", AdvantageComparison.RunExp05),
        new("exp06", "GAE implementation", AdvantageComparison.RunExp06),
        new("exp07", "Vectorized A2C", A2cExperiments.RunExp07),
        new("exp08", "Entropy regularization analysis", A2cExperiments.RunExp08),
        new("exp09", "Complete A2C integration", A2cExperiments.RunExp09),
    ];

    /// <summary>The experiment called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">Unknown name (the message lists the known ones).</exception>
    public static LectureExperiment Get(string name) =>
        All.FirstOrDefault(e => e.Name == name)
        ?? throw new ArgumentException($"Unknown experiment '{name}'. Known: {string.Join(", ", All.Select(e => e.Name))}, all.", nameof(name));

    /// <summary>Runs one experiment and writes <c>NAME.json</c> (and <c>NAME.svg</c> where it plots) into <paramref name="directory"/>.</summary>
    /// <param name="name">Experiment name.</param>
    /// <param name="directory">Output folder (created).</param>
    /// <param name="settings">Settings, or null for the lecture's.</param>
    /// <exception cref="ArgumentException">Unknown name.</exception>
    public static ExperimentReport RunAndWrite(string name, string directory, ExperimentSettings? settings = null)
    {
        var report = Get(name).Run(settings ?? new ExperimentSettings());
        Directory.CreateDirectory(directory);
        var json = new JsonObject { ["experiment"] = report.Name, ["title"] = report.Title, ["results"] = report.Json };
        File.WriteAllText(Path.Combine(directory, report.Name + ".json"), json.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        if (report.Svg is { } svg)
        {
            File.WriteAllText(Path.Combine(directory, report.Name + ".svg"), svg);
        }

        return report;
    }

    /// <summary>Invariant-culture formatting for the printed lines.</summary>
    internal static string F(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>A JSON array of doubles.</summary>
    internal static JsonArray Array(IEnumerable<double> values) => new([.. values.Select(v => (JsonNode?)JsonValue.Create(double.IsFinite(v) ? v : 0))]);

    /// <summary>Mean and population standard deviation (NumPy's <c>std</c>, as the lecture prints).</summary>
    internal static (double Mean, double Std) MeanStd(IReadOnlyCollection<double> values)
    {
        double mean = values.Average();
        return (mean, Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Count));
    }
}
