using System.Globalization;
using System.Text;

namespace Tensorless.Rl.Experiments.Lecture09;

/// <summary>A small multi-series line chart in SVG (axes, min/max ticks, legend) for the experiments' plots;
/// <see cref="Plotting.SvgCurveWriter"/> draws one smoothed return curve, these plots need several raw series.</summary>
public static class LineChartSvg
{
    private static readonly string[] Colors = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b"];

    /// <summary>Writes the chart.</summary>
    /// <param name="title">Title above the plot.</param>
    /// <param name="xLabel">x-axis label.</param>
    /// <param name="yLabel">y-axis label.</param>
    /// <param name="series">Named series of (x, y) points; non-finite points are skipped.</param>
    /// <returns>The SVG document.</returns>
    public static string Write(string title, string xLabel, string yLabel, IReadOnlyList<(string Name, IReadOnlyList<(double X, double Y)> Points)> series)
    {
        const int width = 720, height = 420, left = 70, right = 170, top = 40, bottom = 50;
        var points = series.SelectMany(s => s.Points).Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).ToList();
        double x0 = points.Count > 0 ? points.Min(p => p.X) : 0, x1 = points.Count > 0 ? points.Max(p => p.X) : 1;
        double y0 = points.Count > 0 ? points.Min(p => p.Y) : 0, y1 = points.Count > 0 ? points.Max(p => p.Y) : 1;
        if (x1 <= x0) { x1 = x0 + 1; }
        if (y1 <= y0) { y1 = y0 + 1; }
        double Px(double x) => left + ((x - x0) / (x1 - x0) * (width - left - right));
        double Py(double y) => height - bottom - ((y - y0) / (y1 - y0) * (height - top - bottom));
        var c = CultureInfo.InvariantCulture;
        var svg = new StringBuilder();
        svg.Append(c, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(c, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        svg.Append(c, $"<text x=\"{width / 2}\" y=\"24\" text-anchor=\"middle\" font-size=\"15\">{Escape(title)}</text>\n");
        svg.Append(c, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width - right}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n");
        svg.Append(c, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{height - bottom}\" stroke=\"black\"/>\n");
        foreach (double x in new[] { x0, (x0 + x1) / 2, x1 })
        {
            svg.Append(c, $"<text x=\"{Px(x):F1}\" y=\"{height - bottom + 16}\" text-anchor=\"middle\">{x:G4}</text>\n");
        }

        foreach (double y in new[] { y0, (y0 + y1) / 2, y1 })
        {
            svg.Append(c, $"<text x=\"{left - 6}\" y=\"{Py(y) + 4:F1}\" text-anchor=\"end\">{y:G4}</text>\n");
        }

        svg.Append(c, $"<text x=\"{(left + width - right) / 2}\" y=\"{height - 12}\" text-anchor=\"middle\">{Escape(xLabel)}</text>\n");
        svg.Append(c, $"<text x=\"16\" y=\"{(top + height - bottom) / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {(top + height - bottom) / 2})\">{Escape(yLabel)}</text>\n");
        for (int i = 0; i < series.Count; i++)
        {
            string color = Colors[i % Colors.Length];
            var path = string.Join(" ", series[i].Points.Where(p => double.IsFinite(p.X) && double.IsFinite(p.Y)).Select(p => string.Create(c, $"{Px(p.X):F1},{Py(p.Y):F1}")));
            svg.Append(c, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.8\" points=\"{path}\"/>\n");
            svg.Append(c, $"<line x1=\"{width - right + 15}\" y1=\"{top + 10 + (i * 18)}\" x2=\"{width - right + 35}\" y2=\"{top + 10 + (i * 18)}\" stroke=\"{color}\" stroke-width=\"2\"/>\n");
            svg.Append(c, $"<text x=\"{width - right + 40}\" y=\"{top + 14 + (i * 18)}\">{Escape(series[i].Name)}</text>\n");
        }

        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
