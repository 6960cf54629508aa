using System.Globalization;
using System.Text;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Plotting;
using Tensorless.Rl.Sweeps;

namespace Tensorless.Rl.Reports;

/// <summary>
/// Writes <c>report.html</c> (and <c>curves.svg</c>) for a sweep directory: the table with the best configuration
/// highlighted, the multi-seed chart of the last-100 mean return against env steps (mean over seeds, 95% bootstrap CI
/// band, seeds faint; with more than <see cref="MaxChartGroups"/> configurations the best ones), one chart per
/// configuration, the spec, and links to each member's own report. Self-contained like <see cref="RunReport"/>.
/// </summary>
public static class SweepReport
{
    /// <summary>Most configurations drawn on the combined chart.</summary>
    public const int MaxChartGroups = 8;

    /// <summary>Builds the report of a sweep directory (reading its sweep-spec.json) and writes report.html and curves.svg there.</summary>
    /// <param name="sweepDirectory">The sweep directory.</param>
    /// <param name="band">Band of the multi-seed charts.</param>
    /// <returns>The report's path.</returns>
    /// <exception cref="ArgumentException">Not a sweep directory.</exception>
    public static string Write(string sweepDirectory, BandKind band = BandKind.BootstrapCi)
    {
        var spec = SweepRunner.Load(sweepDirectory);
        var summary = SweepSummary.Compute(spec, sweepDirectory);
        var groups = Groups(summary, sweepDirectory);
        string chart = SvgChart.Write(CurvesChart(summary, groups, band));
        AtomicFiles.WriteText(Path.Combine(sweepDirectory, "curves.svg"), chart);

        var c = CultureInfo.InvariantCulture;
        var body = new StringBuilder();
        body.Append(c, $"<p>{summary.Rows.Count} configuration(s) x {spec.Seeds.Count} seed(s); {summary.Pending} member(s) not finished. Base: preset {HtmlReport.E(spec.Preset ?? "-")}, algo {HtmlReport.E(spec.Algorithm ?? "(preset's)")}, env {HtmlReport.E(spec.EnvId ?? "(preset's)")}.</p>");
        var best = summary.Best;
        body.Append("<p><b>").Append(HtmlReport.E(best is null ? "Best configuration: none finished yet." : $"Best configuration: {best.Configuration.Label}")).Append("</b></p>");
        body.Append("<h2>Summary over seeds</h2><table><tr><th>configuration</th><th>seeds</th><th>final mean</th><th>final std</th><th>final min</th><th>final max</th><th>eval mean</th><th>eval std</th><th>eval min</th><th>eval max</th><th>median steps to solve</th><th>median s to solve</th><th>solved</th></tr>");
        foreach (var r in summary.Rows)
        {
            body.Append(ReferenceEquals(r, best) ? "<tr class=\"best\">" : "<tr>");
            body.Append($"<td>{HtmlReport.E(r.Configuration.Label)}</td><td class=\"num\">{r.Members.Count}</td>");
            foreach (double v in new[] { r.Final.Mean, r.Final.Std, r.Final.Min, r.Final.Max, r.Eval.Mean, r.Eval.Std, r.Eval.Min, r.Eval.Max })
            {
                body.Append($"<td class=\"num\">{N(v, "F1")}</td>");
            }

            body.Append($"<td class=\"num\">{N(r.MedianStepsToSolve, "N0")}</td><td class=\"num\">{N(r.MedianSecondsToSolve, "F1")}</td><td class=\"num\">{(double.IsFinite(r.FractionSolved) ? r.FractionSolved.ToString("P0", c) : "-")}</td></tr>");
        }

        body.Append("</table>");
        body.Append("<h2>Multi-seed curves</h2>");
        if (groups.Count > MaxChartGroups)
        {
            body.Append(c, $"<p class=\"muted\">The {MaxChartGroups} best of {groups.Count} configurations; each one has its own chart below.</p>");
        }

        body.Append(chart);
        if (groups.Count > 1)
        {
            body.Append("<h2>Per configuration</h2><div class=\"charts\">");
            foreach (var g in groups)
            {
                body.Append(MultiSeedCurves.WriteSvg([g], new MultiSeedChartOptions { Title = g.Label, Band = band }).Replace("width=\"900\" height=\"420\"", "width=\"560\" height=\"262\"", StringComparison.Ordinal));
            }

            body.Append("</div>");
        }

        body.Append("<h2>Members</h2><ul>");
        foreach (var m in spec.Members(sweepDirectory))
        {
            string rel = Path.GetRelativePath(sweepDirectory, m.Directory).Replace('\\', '/');
            bool finished = SweepSummary.IsFinished(m.Directory);
            body.Append(finished && File.Exists(Path.Combine(m.Directory, RunReport.FileName))
                ? $"<li><a href=\"{HtmlReport.E(rel)}/report.html\">{HtmlReport.E(rel)}</a></li>"
                : $"<li>{HtmlReport.E(rel)}{(finished ? "" : " (not finished)")}</li>");
        }

        body.Append("</ul><h2>Sweep spec</h2><pre>").Append(HtmlReport.E(spec.ToJson())).Append("</pre>");
        string path = Path.Combine(sweepDirectory, RunReport.FileName);
        AtomicFiles.WriteText(path, HtmlReport.Page($"Sweep {summary.Name}", body.ToString()));
        return path;
    }

    /// <summary>Each configuration's seed curves (episode_return_mean against env_steps from metrics.csv of its finished members).</summary>
    /// <param name="summary">The sweep table.</param>
    /// <param name="sweepDirectory">The sweep directory.</param>
    /// <returns>One group per configuration with at least one finished seed.</returns>
    public static IReadOnlyList<CurveGroup> Groups(SweepSummary summary, string sweepDirectory)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var groups = new List<CurveGroup>();
        foreach (var row in summary.Rows.Where(r => r.Members.Count > 0))
        {
            var seeds = new List<SeedCurve>();
            foreach (var m in row.Members)
            {
                var table = MetricsTable.Read(Path.Combine(sweepDirectory, row.Configuration.Slug, $"seed{m.Seed}", "metrics.csv"));
                if (table.Column("env_steps") is double[] x && table.Column("episode_return_mean") is double[] y)
                {
                    seeds.Add(new SeedCurve(x, y));
                }
            }

            groups.Add(new CurveGroup(row.Configuration.Label, seeds));
        }

        return groups;
    }

    /// <summary>
    /// The combined multi-seed chart of a sweep directory (curves.svg, and curves.png where Tensorless.Reports draws
    /// it): the best <see cref="MaxChartGroups"/> configurations, mean over seeds with a band, seeds faint.
    /// </summary>
    /// <param name="sweepDirectory">The sweep directory.</param>
    /// <param name="band">Band kind.</param>
    /// <returns>The chart.</returns>
    /// <exception cref="ArgumentException">Not a sweep directory.</exception>
    public static ChartSpec CurvesChart(string sweepDirectory, BandKind band = BandKind.BootstrapCi)
    {
        var summary = SweepSummary.Compute(SweepRunner.Load(sweepDirectory), sweepDirectory);
        return CurvesChart(summary, Groups(summary, sweepDirectory), band);
    }

    /// <summary>The combined multi-seed chart of the given table and groups (see <see cref="CurvesChart(string, BandKind)"/>).</summary>
    /// <param name="summary">The sweep table, which ranks the configurations.</param>
    /// <param name="groups">Each configuration's seed curves (<see cref="Groups"/>).</param>
    /// <param name="band">Band kind.</param>
    /// <returns>The chart.</returns>
    public static ChartSpec CurvesChart(SweepSummary summary, IReadOnlyList<CurveGroup> groups, BandKind band = BandKind.BootstrapCi)
    {
        ArgumentNullException.ThrowIfNull(summary);
        ArgumentNullException.ThrowIfNull(groups);
        return MultiSeedCurves.Chart(Ranked(summary, groups), new MultiSeedChartOptions { Title = $"{summary.Name}: mean return over seeds", Band = band });
    }

    private static List<CurveGroup> Ranked(SweepSummary summary, IReadOnlyList<CurveGroup> groups)
    {
        if (groups.Count <= MaxChartGroups)
        {
            return [.. groups];
        }

        var score = summary.Rows.ToDictionary(r => r.Configuration.Label, r => double.IsFinite(r.Eval.Mean) ? r.Eval.Mean : r.Final.Mean);
        return [.. groups.OrderByDescending(g => score.GetValueOrDefault(g.Label, double.NegativeInfinity)).Take(MaxChartGroups)];
    }

    private static string N(double v, string format) => double.IsFinite(v) ? v.ToString(format, CultureInfo.InvariantCulture) : "-";
}
