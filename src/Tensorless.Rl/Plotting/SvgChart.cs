using System.Globalization;
using System.Security;
using System.Text;

namespace Tensorless.Rl.Plotting;

/// <summary>A polyline of a chart; NaN points break the line.</summary>
/// <param name="X">x values.</param>
/// <param name="Y">y values, same length.</param>
/// <param name="Color">CSS colour.</param>
/// <param name="Width">Stroke width in pixels.</param>
/// <param name="Opacity">Stroke opacity (individual seeds are drawn faintly).</param>
/// <param name="Label">Legend entry, or null for none.</param>
/// <param name="CssClass">Class attribute, a hook for tools and tests.</param>
public sealed record ChartLine(IReadOnlyList<double> X, IReadOnlyList<double> Y, string Color, double Width = 2, double Opacity = 1, string? Label = null, string CssClass = "line");

/// <summary>A filled band between two curves over the same x values (a confidence interval or a min-max range).</summary>
/// <param name="X">x values.</param>
/// <param name="Lower">Lower edge.</param>
/// <param name="Upper">Upper edge.</param>
/// <param name="Color">CSS colour.</param>
/// <param name="Opacity">Fill opacity.</param>
public sealed record ChartBand(IReadOnlyList<double> X, IReadOnlyList<double> Lower, IReadOnlyList<double> Upper, string Color, double Opacity = 0.2);

/// <summary>What <see cref="SvgChart.Write"/> draws.</summary>
public sealed record ChartSpec
{
    /// <summary>Title above the plot.</summary>
    public string Title { get; init; } = "";

    /// <summary>x-axis label.</summary>
    public string XLabel { get; init; } = "environment steps";

    /// <summary>y-axis label.</summary>
    public string YLabel { get; init; } = "";

    /// <summary>Width in pixels.</summary>
    public int Width { get; init; } = 760;

    /// <summary>Height in pixels.</summary>
    public int Height { get; init; } = 380;

    /// <summary>Bands, drawn first.</summary>
    public IReadOnlyList<ChartBand> Bands { get; init; } = [];

    /// <summary>Lines, drawn in order over the bands.</summary>
    public IReadOnlyList<ChartLine> Lines { get; init; } = [];
}

/// <summary>
/// A small SVG line chart with bands: axes with round ticks (<see cref="SvgCurveWriter.NiceTicks"/>), labels, a title
/// and a legend to the right. Pure string building in invariant culture; non-finite points are skipped. Markup hooks:
/// bands are <c>path class="band"</c>, lines <c>polyline</c> with their <see cref="ChartLine.CssClass"/>, tick labels
/// <c>text</c> with classes <c>x-tick</c>/<c>y-tick</c>, legend entries <c>g class="legend-entry"</c>.
/// </summary>
public static class SvgChart
{
    /// <summary>Colours for series, in order (Tableau 10).</summary>
    public static readonly IReadOnlyList<string> Palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

    private const double Left = 70, Top = 36, Bottom = 50;

    /// <summary>Draws the chart.</summary>
    /// <param name="spec">What to draw.</param>
    /// <returns>The SVG document.</returns>
    public static string Write(ChartSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var labelled = spec.Lines.Where(l => l.Label is not null).ToList();
        double right = labelled.Count > 0 ? 230 : 20;
        var xs = spec.Lines.SelectMany(l => l.X).Concat(spec.Bands.SelectMany(b => b.X)).Where(double.IsFinite).ToList();
        var ys = spec.Lines.SelectMany(l => l.Y).Concat(spec.Bands.SelectMany(b => b.Lower.Concat(b.Upper))).Where(double.IsFinite).ToList();
        double xMin = xs.Count > 0 ? xs.Min() : 0, xMax = xs.Count > 0 ? xs.Max() : 1;
        double yMin = ys.Count > 0 ? ys.Min() : 0, yMax = ys.Count > 0 ? ys.Max() : 1;
        double[] xTicks = SvgCurveWriter.NiceTicks(xMin, xMax), yTicks = SvgCurveWriter.NiceTicks(yMin, yMax);
        xMin = Math.Min(xMin, xTicks[0]);
        xMax = Math.Max(xMax, xTicks[^1]);
        yMin = Math.Min(yMin, yTicks[0]);
        yMax = Math.Max(yMax, yTicks[^1]);
        double plotW = spec.Width - Left - right, plotH = spec.Height - Top - Bottom;
        double Px(double v) => Left + ((v - xMin) / (xMax - xMin) * plotW);
        double Py(double v) => Top + plotH - ((v - yMin) / (yMax - yMin) * plotH);

        var c = CultureInfo.InvariantCulture;
        var svg = new StringBuilder();
        svg.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{spec.Width}\" height=\"{spec.Height}\" viewBox=\"0 0 {spec.Width} {spec.Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(c, $"  <title>{Escape(spec.Title)}</title>\n");
        svg.Append(c, $"  <rect width=\"{spec.Width}\" height=\"{spec.Height}\" fill=\"white\"/>\n");
        svg.Append(c, $"  <text x=\"{F(Left + (plotW / 2))}\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"bold\">{Escape(spec.Title)}</text>\n");
        svg.Append("  <g class=\"grid\" stroke=\"#e4e4e4\">\n");
        foreach (double t in xTicks)
        {
            svg.Append(c, $"    <line x1=\"{F(Px(t))}\" y1=\"{F(Top)}\" x2=\"{F(Px(t))}\" y2=\"{F(Top + plotH)}\"/>\n");
        }

        foreach (double t in yTicks)
        {
            svg.Append(c, $"    <line x1=\"{F(Left)}\" y1=\"{F(Py(t))}\" x2=\"{F(Left + plotW)}\" y2=\"{F(Py(t))}\"/>\n");
        }

        svg.Append("  </g>\n");
        foreach (var band in spec.Bands)
        {
            var upper = new List<string>();
            var lower = new List<string>();
            for (int i = 0; i < band.X.Count; i++)
            {
                if (double.IsFinite(band.X[i]) && double.IsFinite(band.Lower[i]) && double.IsFinite(band.Upper[i]))
                {
                    upper.Add($"{F(Px(band.X[i]))},{F(Py(band.Upper[i]))}");
                    lower.Add($"{F(Px(band.X[i]))},{F(Py(band.Lower[i]))}");
                }
            }

            if (upper.Count > 1)
            {
                lower.Reverse();
                svg.Append(c, $"  <path class=\"band\" d=\"M{string.Join(" L", upper)} L{string.Join(" L", lower)} Z\" fill=\"{band.Color}\" fill-opacity=\"{F(band.Opacity)}\" stroke=\"none\"/>\n");
            }
        }

        foreach (var line in spec.Lines)
        {
            foreach (var segment in Segments(line))
            {
                string pts = string.Join(" ", segment.Select(p => $"{F(Px(p.X))},{F(Py(p.Y))}"));
                svg.Append(c, $"  <polyline class=\"{line.CssClass}\" points=\"{pts}\" fill=\"none\" stroke=\"{line.Color}\" stroke-width=\"{F(line.Width)}\" stroke-opacity=\"{F(line.Opacity)}\" stroke-linejoin=\"round\"/>\n");
            }
        }

        svg.Append(c, $"  <rect x=\"{F(Left)}\" y=\"{F(Top)}\" width=\"{F(plotW)}\" height=\"{F(plotH)}\" fill=\"none\" stroke=\"#333\"/>\n");
        foreach (double t in xTicks)
        {
            svg.Append(c, $"  <text class=\"x-tick\" x=\"{F(Px(t))}\" y=\"{F(Top + plotH + 16)}\" text-anchor=\"middle\">{TickLabel(t)}</text>\n");
        }

        foreach (double t in yTicks)
        {
            svg.Append(c, $"  <text class=\"y-tick\" x=\"{F(Left - 6)}\" y=\"{F(Py(t) + 4)}\" text-anchor=\"end\">{TickLabel(t)}</text>\n");
        }

        svg.Append(c, $"  <text class=\"x-label\" x=\"{F(Left + (plotW / 2))}\" y=\"{F(spec.Height - 10)}\" text-anchor=\"middle\">{Escape(spec.XLabel)}</text>\n");
        svg.Append(c, $"  <text class=\"y-label\" transform=\"translate(16 {F(Top + (plotH / 2))}) rotate(-90)\" text-anchor=\"middle\">{Escape(spec.YLabel)}</text>\n");
        for (int i = 0; i < labelled.Count; i++)
        {
            double ly = Top + 8 + (i * 18);
            string label = labelled[i].Label!;
            label = label.Length > 34 ? label[..33] + "\u2026" : label;
            svg.Append(c, $"  <g class=\"legend-entry\"><line x1=\"{F(Left + plotW + 12)}\" y1=\"{F(ly)}\" x2=\"{F(Left + plotW + 32)}\" y2=\"{F(ly)}\" stroke=\"{labelled[i].Color}\" stroke-width=\"3\"/>" +
                $"<text x=\"{F(Left + plotW + 38)}\" y=\"{F(ly + 4)}\">{Escape(label)}</text></g>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static IEnumerable<List<(double X, double Y)>> Segments(ChartLine line)
    {
        var current = new List<(double X, double Y)>();
        for (int i = 0; i < Math.Min(line.X.Count, line.Y.Count); i++)
        {
            if (double.IsFinite(line.X[i]) && double.IsFinite(line.Y[i]))
            {
                current.Add((line.X[i], line.Y[i]));
            }
            else if (current.Count > 0)
            {
                yield return current;
                current = [];
            }
        }

        if (current.Count > 0)
        {
            yield return current;
        }
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
