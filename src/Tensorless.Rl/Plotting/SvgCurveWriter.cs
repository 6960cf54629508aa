using System.Globalization;
using System.Security;
using System.Text;
using Tensorless.Rl.Metrics;

namespace Tensorless.Rl.Plotting;

/// <summary>
/// Writes a plain SVG line chart of a learning curve: one point per finished episode (return against environment
/// steps) and the rolling mean of the last <see cref="SvgCurveOptions.RollingWindow"/> episodes as a line, with
/// axes, tick labels, a title and a legend. Pure string building in invariant culture; non-finite points are skipped.
/// </summary>
/// <remarks>
/// The markup has stable hooks for tools and tests: the points are <c>circle</c> elements inside
/// <c>&lt;g class="points"&gt;</c>, the rolling mean is <c>&lt;polyline class="rolling-mean"&gt;</c>, tick labels are
/// <c>text</c> elements with classes <c>x-tick</c> and <c>y-tick</c>.
/// </remarks>
public static class SvgCurveWriter
{
    private const double Left = 70, Right = 20, Top = 40, Bottom = 55;

    /// <summary>Builds the chart from finished episodes (x: <see cref="FinishedEpisode.EnvSteps"/>, y: <see cref="FinishedEpisode.Return"/>).</summary>
    /// <param name="episodes">Episodes in the order they finished, e.g. <see cref="EpisodeStatistics.History"/>; a merged
    /// block (<see cref="FinishedEpisode.Count"/> above 1) is one point at its mean return and weighs its count in the rolling mean.</param>
    /// <param name="options">Labels and geometry; null uses the defaults.</param>
    /// <returns>The SVG document.</returns>
    public static string Write(IReadOnlyList<FinishedEpisode> episodes, SvgCurveOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(episodes);
        double[] x = new double[episodes.Count], y = new double[episodes.Count], counts = new double[episodes.Count];
        for (int i = 0; i < episodes.Count; i++)
        {
            x[i] = episodes[i].EnvSteps;
            y[i] = episodes[i].Return;
            counts[i] = Math.Max(1, episodes[i].Count);
        }

        // a history that never merged draws exactly as the plain arrays do
        return Write(x, y, counts.All(c => c == 1) ? default : counts, options);
    }

    /// <summary>Builds the chart from parallel arrays of environment steps and returns, in the order the episodes finished.</summary>
    /// <param name="envSteps">x values.</param>
    /// <param name="returns">y values, same length.</param>
    /// <param name="options">Labels and geometry; null uses the defaults.</param>
    /// <returns>The SVG document.</returns>
    /// <exception cref="ArgumentException">The lengths differ or an option is invalid.</exception>
    public static string Write(ReadOnlySpan<double> envSteps, ReadOnlySpan<double> returns, SvgCurveOptions? options = null) =>
        Write(envSteps, returns, default, options);

    /// <summary>The chart, with each point standing for <paramref name="counts"/>[i] episodes (empty: one each).</summary>
    private static string Write(ReadOnlySpan<double> envSteps, ReadOnlySpan<double> returns, ReadOnlySpan<double> counts, SvgCurveOptions? options)
    {
        options ??= new SvgCurveOptions();
        options.Validate();
        if (envSteps.Length != returns.Length)
        {
            throw new ArgumentException($"returns has length {returns.Length}; expected {envSteps.Length} (envSteps.Length).", nameof(returns));
        }

        var points = new List<(double X, double Y)>(envSteps.Length);
        var weights = new List<double>(envSteps.Length);
        for (int i = 0; i < envSteps.Length; i++)
        {
            if (double.IsFinite(envSteps[i]) && double.IsFinite(returns[i]))
            {
                points.Add((envSteps[i], returns[i]));
                weights.Add(counts.IsEmpty ? 1.0 : counts[i]);
            }
        }

        List<(double X, double Y)> mean = counts.IsEmpty ? RollingMean(points, options.RollingWindow) : WeightedRollingMean(points, weights, options.RollingWindow);
        (double xMin, double xMax) = Range(points.Select(p => p.X), fallbackMin: 0, fallbackMax: 1);
        (double yMin, double yMax) = Range(points.Select(p => p.Y), fallbackMin: 0, fallbackMax: 1);
        double[] xTicks = NiceTicks(xMin, xMax);
        double[] yTicks = NiceTicks(yMin, yMax);
        xMin = Math.Min(xMin, xTicks[0]);
        xMax = Math.Max(xMax, xTicks[^1]);
        yMin = Math.Min(yMin, yTicks[0]);
        yMax = Math.Max(yMax, yTicks[^1]);

        double plotWidth = options.Width - Left - Right, plotHeight = options.Height - Top - Bottom;
        double Px(double v) => Left + ((v - xMin) / (xMax - xMin) * plotWidth);
        double Py(double v) => Top + plotHeight - ((v - yMin) / (yMax - yMin) * plotHeight);

        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{options.Width}\" height=\"{options.Height}\" viewBox=\"0 0 {options.Width} {options.Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <title>{Escape(options.Title)}</title>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <rect width=\"{options.Width}\" height=\"{options.Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"title\" x=\"{F(options.Width / 2.0)}\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">{Escape(options.Title)}</text>\n");

        // Grid, ticks and tick labels.
        svg.Append("  <g class=\"axes\" stroke=\"#999\" stroke-width=\"1\">\n");
        foreach (double t in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(Px(t))}\" y1=\"{F(Top)}\" x2=\"{F(Px(t))}\" y2=\"{F(Top + plotHeight)}\" stroke=\"#eee\"/>\n");
        }

        foreach (double t in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(Left)}\" y1=\"{F(Py(t))}\" x2=\"{F(Left + plotWidth)}\" y2=\"{F(Py(t))}\" stroke=\"#eee\"/>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"    <line class=\"x-axis\" x1=\"{F(Left)}\" y1=\"{F(Top + plotHeight)}\" x2=\"{F(Left + plotWidth)}\" y2=\"{F(Top + plotHeight)}\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <line class=\"y-axis\" x1=\"{F(Left)}\" y1=\"{F(Top)}\" x2=\"{F(Left)}\" y2=\"{F(Top + plotHeight)}\"/>\n");
        svg.Append("  </g>\n");
        foreach (double t in xTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"x-tick\" x=\"{F(Px(t))}\" y=\"{F(Top + plotHeight + 16)}\" text-anchor=\"middle\">{TickLabel(t)}</text>\n");
        }

        foreach (double t in yTicks)
        {
            svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"y-tick\" x=\"{F(Left - 6)}\" y=\"{F(Py(t) + 4)}\" text-anchor=\"end\">{TickLabel(t)}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"x-label\" x=\"{F(Left + (plotWidth / 2))}\" y=\"{F(options.Height - 12.0)}\" text-anchor=\"middle\">{Escape(options.XLabel)}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"y-label\" x=\"16\" y=\"{F(Top + (plotHeight / 2))}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {F(Top + (plotHeight / 2))})\">{Escape(options.YLabel)}</text>\n");

        // Data.
        svg.Append("  <g class=\"points\" fill=\"#4878d0\" fill-opacity=\"0.45\">\n");
        foreach ((double px, double py) in points)
        {
            svg.Append(CultureInfo.InvariantCulture, $"    <circle cx=\"{F(Px(px))}\" cy=\"{F(Py(py))}\" r=\"2\"/>\n");
        }

        svg.Append("  </g>\n");
        svg.Append("  <polyline class=\"rolling-mean\" fill=\"none\" stroke=\"#d65f5f\" stroke-width=\"2\" points=\"");
        for (int i = 0; i < mean.Count; i++)
        {
            svg.Append(i == 0 ? string.Empty : " ").Append(F(Px(mean[i].X))).Append(',').Append(F(Py(mean[i].Y)));
        }

        svg.Append("\"/>\n");
        if (points.Count == 0)
        {
            svg.Append(CultureInfo.InvariantCulture, $"  <text class=\"empty\" x=\"{F(Left + (plotWidth / 2))}\" y=\"{F(Top + (plotHeight / 2))}\" text-anchor=\"middle\" fill=\"#666\">no finished episodes</text>\n");
        }

        // Legend, top left inside the plot.
        double lx = Left + 10, ly = Top + 12;
        svg.Append("  <g class=\"legend\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <circle cx=\"{F(lx + 8)}\" cy=\"{F(ly)}\" r=\"3\" fill=\"#4878d0\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(lx + 22)}\" y=\"{F(ly + 4)}\">episode return</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <line x1=\"{F(lx)}\" y1=\"{F(ly + 18)}\" x2=\"{F(lx + 16)}\" y2=\"{F(ly + 18)}\" stroke=\"#d65f5f\" stroke-width=\"2\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"    <text x=\"{F(lx + 22)}\" y=\"{F(ly + 22)}\">rolling mean ({options.RollingWindow} episodes)</text>\n");
        svg.Append("  </g>\n");
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    /// <summary>The mean of the last <paramref name="window"/> y values at each point (fewer at the start).</summary>
    /// <param name="points">Points in order.</param>
    /// <param name="window">Window length, at least 1.</param>
    /// <returns>One (x, mean) per point.</returns>
    internal static List<(double X, double Y)> RollingMean(IReadOnlyList<(double X, double Y)> points, int window)
    {
        var result = new List<(double X, double Y)>(points.Count);
        double sum = 0.0;
        for (int i = 0; i < points.Count; i++)
        {
            sum += points[i].Y;
            if (i >= window)
            {
                sum -= points[i - window].Y;
            }

            result.Add((points[i].X, sum / Math.Min(i + 1, window)));
        }

        return result;
    }

    /// <summary>
    /// The mean of the last <paramref name="window"/> episodes at each point, where point j stands for
    /// <paramref name="counts"/>[j] episodes at its mean return; the oldest block in a window contributes only the share
    /// that fits. With every count 1 it is <see cref="RollingMean"/>.
    /// </summary>
    internal static List<(double X, double Y)> WeightedRollingMean(IReadOnlyList<(double X, double Y)> points, IReadOnlyList<double> counts, int window)
    {
        var result = new List<(double X, double Y)>(points.Count);
        for (int i = 0; i < points.Count; i++)
        {
            double sum = 0.0, episodes = 0.0;
            for (int j = i; j >= 0 && episodes < window; j--)
            {
                double take = Math.Min(counts[j], window - episodes);
                sum += take * points[j].Y;
                episodes += take;
            }

            result.Add((points[i].X, sum / episodes));
        }

        return result;
    }

    /// <summary>Round tick values (1, 2 or 5 times a power of ten) covering [min, max], about five of them.</summary>
    /// <param name="min">Smallest value.</param>
    /// <param name="max">Largest value, at least <paramref name="min"/>.</param>
    /// <returns>Ascending ticks; the first is at most <paramref name="min"/>, the last at least <paramref name="max"/>.</returns>
    internal static double[] NiceTicks(double min, double max)
    {
        if (max - min < 1e-12 * Math.Max(1.0, Math.Abs(max)))
        {
            double pad = Math.Abs(min) > 0 ? Math.Abs(min) * 0.1 : 1.0;
            min -= pad;
            max += pad;
        }

        double rough = (max - min) / 5.0;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        double fraction = rough / magnitude;
        double step = (fraction <= 1 ? 1 : fraction <= 2 ? 2 : fraction <= 5 ? 5 : 10) * magnitude;
        double first = Math.Floor(min / step) * step;
        double last = Math.Ceiling(max / step) * step;
        int count = (int)Math.Round((last - first) / step) + 1;
        var ticks = new double[count];
        for (int i = 0; i < count; i++)
        {
            ticks[i] = Math.Round(first + (i * step), 10);
        }

        return ticks;
    }

    private static (double Min, double Max) Range(IEnumerable<double> values, double fallbackMin, double fallbackMax)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        return double.IsFinite(min) ? (min, max) : (fallbackMin, fallbackMax);
    }

    private static string TickLabel(double value)
    {
        double abs = Math.Abs(value);
        return abs >= 1e6 ? (value / 1e6).ToString("0.###", CultureInfo.InvariantCulture) + "M"
            : abs >= 1e4 ? (value / 1e3).ToString("0.###", CultureInfo.InvariantCulture) + "k"
            : value.ToString("0.####", CultureInfo.InvariantCulture);
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Escape(string text) => SecurityElement.Escape(text) ?? string.Empty;
}
