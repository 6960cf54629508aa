using System.Text;
using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Plotting;

namespace Tensorless.Rl.Reports;

/// <summary>
/// Writes <c>report.html</c> for a run directory: the summary and evaluation (summary.json), the training curves from
/// metrics.csv (return, episode length, losses, entropy, approx KL, clip fraction, explained variance, steps/s), the
/// episode scatter (curve.svg), the options (config.json) and <c>agent.gif</c> when present. Self-contained: inline
/// CSS and SVG, images as data URIs, no network. Rebuilt from the files alone, so it can be written any time after a run.
/// </summary>
public static class RunReport
{
    /// <summary>The report's file name.</summary>
    public const string FileName = "report.html";

    /// <summary>The run's metrics file, one row per update.</summary>
    public const string MetricsFileName = "metrics.csv";

    /// <summary>
    /// The run's return curve: the mean return of the last 100 episodes against env steps, read from metrics.csv by
    /// <see cref="MetricsTable"/> (the report's first training chart; curve.png where Tensorless.Reports draws it).
    /// </summary>
    /// <param name="runDirectory">A run directory.</param>
    /// <returns>The chart, or null when metrics.csv has no finite return yet.</returns>
    public static ChartSpec? ReturnChart(string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        var table = MetricsTable.Read(Path.Combine(runDirectory, MetricsFileName));
        if (table.Column("env_steps") is not double[] x || table.Column("episode_return_mean") is not double[] y || !y.Any(double.IsFinite))
        {
            return null;
        }

        string name = Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)));
        return new ChartSpec
        {
            Title = $"{name}: episode return (mean of last 100)",
            YLabel = "mean return of the last 100 episodes",
            Width = 800,
            Height = 420,
            Lines = [new ChartLine(x, y, SvgChart.Palette[0], Label: "episode_return_mean")],
        };
    }

    /// <summary>Builds the report of <paramref name="runDirectory"/> and writes it there.</summary>
    /// <param name="runDirectory">A run directory.</param>
    /// <returns>The path written.</returns>
    /// <exception cref="ArgumentException">The directory has no summary.json.</exception>
    public static string Write(string runDirectory)
    {
        string path = Path.Combine(runDirectory, FileName);
        AtomicFiles.WriteText(path, Build(runDirectory));
        return path;
    }

    /// <summary>Builds the report's HTML.</summary>
    /// <param name="runDirectory">A run directory.</param>
    /// <returns>The HTML.</returns>
    /// <exception cref="ArgumentException">The directory has no summary.json.</exception>
    public static string Build(string runDirectory)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        string summaryPath = Path.Combine(runDirectory, "summary.json");
        if (!File.Exists(summaryPath))
        {
            throw new ArgumentException($"{runDirectory} is not a run directory (no summary.json).");
        }

        using var summary = JsonDocument.Parse(File.ReadAllText(summaryPath));
        var root = summary.RootElement;
        string S(string name) => !root.TryGetProperty(name, out var v) ? ""
            : v.ValueKind == JsonValueKind.String ? v.GetString() ?? ""
            : v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("#,0.##", System.Globalization.CultureInfo.InvariantCulture)
            : v.GetRawText();
        string title = $"{S("algo")} on {S("env")}, seed {root.GetProperty("seed").GetRawText()}";
        var body = new StringBuilder();
        body.Append($"<p>Status <b>{HtmlReport.E(S("status"))}</b> after {HtmlReport.E(S("env_steps"))} env steps ({HtmlReport.E(S("wall_seconds"))} s); " +
            $"last-100 training mean {HtmlReport.E(S("train_mean_return_last100"))}; evaluation mean {HtmlReport.E(S("eval_mean_return"))} over {HtmlReport.E(S("eval_episodes"))} episodes.</p>");
        string gif = HtmlReport.ImageIfPresent(Path.Combine(runDirectory, "agent.gif"), "image/gif", "the trained agent");
        if (gif.Length > 0)
        {
            body.Append("<h2>Agent</h2>").Append(gif);
        }

        body.Append("<h2>Training curves</h2>").Append(HtmlReport.MetricChartsHtml(MetricsTable.Read(Path.Combine(runDirectory, MetricsFileName))));
        string curve = Path.Combine(runDirectory, "curve.svg");
        if (File.Exists(curve))
        {
            body.Append("<h2>Episodes</h2>").Append(File.ReadAllText(curve));
        }

        body.Append("<h2>Summary and evaluation</h2>").Append(HtmlReport.KeyValueTable(root));
        if (HtmlReport.PrettyJson(Path.Combine(runDirectory, "config.json")) is string config)
        {
            body.Append("<h2>Options (config.json)</h2><pre>").Append(HtmlReport.E(config)).Append("</pre>");
        }

        return HtmlReport.Page(title, body.ToString());
    }
}
