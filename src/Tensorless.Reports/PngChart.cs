using ScottPlot;
using Tensorless.Rl.Plotting;

namespace Tensorless.Reports;

/// <summary>
/// Draws a <see cref="ChartSpec"/> (the same one <see cref="SvgChart"/> writes as SVG) to a PNG with ScottPlot: bands
/// as fills, lines in order over them with their width and opacity, the title, axis labels and a legend of the
/// labelled lines to the right of the data. Nothing is computed here; NaN points break a line or a band, as they do in the SVG.
/// </summary>
public static class PngChart
{
    /// <summary>
    /// Draws the chart at the spec's size, widened by the legend beside the data (or at <paramref name="width"/> x
    /// <paramref name="height"/>).
    /// </summary>
    /// <param name="spec">What to draw.</param>
    /// <param name="width">Width in pixels, or null for <see cref="ChartSpec.Width"/>.</param>
    /// <param name="height">Height in pixels, or null for <see cref="ChartSpec.Height"/>.</param>
    /// <returns>The PNG file's bytes.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 50 pixels.</exception>
    /// <exception cref="TypeInitializationException">Skia's native library could not be loaded (see <see cref="PngReports.Availability"/>).</exception>
    public static byte[] Render(ChartSpec spec, int? width = null, int? height = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int w = width ?? spec.Width + LegendWidth(spec), h = height ?? spec.Height;
        ArgumentOutOfRangeException.ThrowIfLessThan(w, 50, nameof(width));
        ArgumentOutOfRangeException.ThrowIfLessThan(h, 50, nameof(height));
        using var plot = new Plot();
        foreach (var band in spec.Bands)
        {
            foreach (var (start, end) in FiniteRuns(band.X, band.Lower, band.Upper))
            {
                var fill = plot.Add.FillY(Slice(band.X, start, end), Slice(band.Lower, start, end), Slice(band.Upper, start, end));
                fill.FillColor = Color.FromHex(band.Color).WithAlpha(band.Opacity);
                fill.LineWidth = 0;
                fill.MarkerSize = 0;
            }
        }

        foreach (var line in spec.Lines)
        {
            bool labelled = false;
            foreach (var (start, end) in FiniteRuns(line.X, line.Y, line.Y))
            {
                var scatter = plot.Add.ScatterLine(Slice(line.X, start, end), Slice(line.Y, start, end));
                scatter.Color = Color.FromHex(line.Color).WithAlpha(line.Opacity);
                scatter.LineWidth = (float)line.Width;
                if (line.Label is not null && !labelled)
                {
                    scatter.LegendText = line.Label;
                    labelled = true;
                }
            }
        }

        plot.Title(spec.Title, size: 15);
        plot.XLabel(spec.XLabel, size: 13);
        plot.YLabel(spec.YLabel, size: 13);
        if (spec.Lines.Any(l => l.Label is not null))
        {
            // beside the data, as the SVG has it: a box inside hid the curves of a sweep with several long configuration names
            plot.ShowLegend(Edge.Right);
        }

        return plot.GetImageBytes(w, h, ImageFormat.Png);
    }

    /// <summary>
    /// The pixels the legend beside the data needs (its symbol and padding, and about 7 pixels a character of the longest
    /// label), added to the default width so the data area keeps the spec's size; 0 without labelled lines.
    /// </summary>
    /// <param name="spec">The chart.</param>
    /// <returns>The extra width in pixels.</returns>
    public static int LegendWidth(ChartSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var labels = spec.Lines.Where(l => l.Label is not null).Select(l => l.Label!.Length).ToList();
        return labels.Count == 0 ? 0 : 60 + (7 * labels.Max());
    }

    /// <summary>Draws the chart and writes it to <paramref name="path"/>.</summary>
    /// <param name="spec">What to draw.</param>
    /// <param name="path">The PNG's path.</param>
    /// <returns><paramref name="path"/>.</returns>
    public static string Write(ChartSpec spec, string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] png = Render(spec);
        string temp = path + ".tmp";
        File.WriteAllBytes(temp, png);
        File.Move(temp, path, overwrite: true);
        return path;
    }

    /// <summary>Index ranges [start, end) over which x, a and b are all finite.</summary>
    private static List<(int Start, int End)> FiniteRuns(IReadOnlyList<double> x, IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var runs = new List<(int, int)>();
        int n = Math.Min(x.Count, Math.Min(a.Count, b.Count)), start = -1;
        for (int i = 0; i <= n; i++)
        {
            bool ok = i < n && double.IsFinite(x[i]) && double.IsFinite(a[i]) && double.IsFinite(b[i]);
            if (ok && start < 0)
            {
                start = i;
            }
            else if (!ok && start >= 0)
            {
                runs.Add((start, i));
                start = -1;
            }
        }

        return runs;
    }

    private static double[] Slice(IReadOnlyList<double> values, int start, int end)
    {
        var result = new double[end - start];
        for (int i = start; i < end; i++)
        {
            result[i - start] = values[i];
        }

        return result;
    }
}
