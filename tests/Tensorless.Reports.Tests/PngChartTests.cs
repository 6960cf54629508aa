using System.Buffers.Binary;
using System.Globalization;
using SkiaSharp;
using Tensorless.Reports;
using Tensorless.Rl.Plotting;
using Tensorless.Rl.Reports;

namespace Tensorless.Reports.Tests;

public sealed class PngChartTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-png-" + Guid.NewGuid().ToString("N"));

    public PngChartTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A tiny synthetic sweep: two configurations x three seeds of noisy rising curves, seeded.</summary>
    private static List<CurveGroup> SyntheticSweep()
    {
        var rng = new Random(12);
        var groups = new List<CurveGroup>();
        foreach (var (label, slope) in new[] { ("lr=1e-3", 0.05), ("lr=3e-4", 0.02) })
        {
            var seeds = new List<SeedCurve>();
            for (int s = 0; s < 3; s++)
            {
                double[] x = [.. Enumerable.Range(1, 40).Select(i => i * 256.0)];
                double[] y = [.. x.Select(v => 20 + (slope * v / 10) + (rng.NextDouble() * 15))];
                seeds.Add(new SeedCurve(x, y));
            }

            groups.Add(new CurveGroup(label, seeds));
        }

        return groups;
    }

    private static (int Width, int Height) Ihdr(byte[] png)
    {
        byte[] signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];
        Assert.Equal(signature, png[..8]);
        Assert.Equal("IHDR", System.Text.Encoding.ASCII.GetString(png, 12, 4));
        return (BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(20)));
    }

    private static int DistinctColors(byte[] png, out int width, out int height)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        (width, height) = (bitmap.Width, bitmap.Height);
        var colors = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 2)
        {
            for (int x = 0; x < bitmap.Width; x += 2)
            {
                colors.Add((uint)bitmap.GetPixel(x, y));
            }
        }

        return colors.Count;
    }

    [Fact]
    public void Availability_HereSkiaLoads_Null() => Assert.Null(PngReports.Availability);

    [Fact]
    public void Render_MultiSeedChart_DecodesAtSpecSizeAndIsNotBlank()
    {
        var spec = MultiSeedCurves.Chart(SyntheticSweep(), new MultiSeedChartOptions { Resamples = 200 });
        byte[] png = PngChart.Render(spec);

        // the spec's size, widened by the legend beside the data: 60 px and 7 px a character of the longest label
        int longest = spec.Lines.Where(l => l.Label is not null).Max(l => l.Label!.Length);
        Assert.Equal(60 + (7 * longest), PngChart.LegendWidth(spec));
        Assert.Equal((900 + PngChart.LegendWidth(spec), 420), Ihdr(png));
        int colors = DistinctColors(png, out int width, out int height);
        Assert.Equal((900 + PngChart.LegendWidth(spec), 420), (width, height));
        Assert.True(colors > 50, $"only {colors} distinct colours: the chart looks blank");
    }

    [Fact]
    public void Render_RequestedSize_IsTheImageSize()
    {
        byte[] png = PngChart.Render(MultiSeedCurves.Chart(SyntheticSweep(), new MultiSeedChartOptions { Resamples = 50 }), width: 640, height: 300);

        Assert.Equal((640, 300), Ihdr(png));
    }

    [Fact]
    public void Render_NaNPointsAndEmptyChart_DoNotThrow()
    {
        var spec = new ChartSpec
        {
            Title = "gaps",
            Lines = [new ChartLine([0, 1, 2, 3, 4], [1, double.NaN, 2, 3, double.NaN], "#1f77b4", Label: "with gaps")],
            Bands = [new ChartBand([0, 1, 2], [double.NaN, 0, 1], [double.NaN, 2, 3], "#ff7f0e")],
        };

        Assert.Equal((760 + 60 + (7 * "with gaps".Length), 380), Ihdr(PngChart.Render(spec)));
        Assert.Equal(0, PngChart.LegendWidth(new ChartSpec())); // no labelled line, no legend
        Assert.Equal((760, 380), Ihdr(PngChart.Render(new ChartSpec())));
    }

    [Fact]
    public void WriteRun_MetricsCsv_WritesCurvePngOfTheReturnCurve()
    {
        var lines = new List<string> { "update,env_steps,episode_return_mean" };
        lines.AddRange(Enumerable.Range(1, 30).Select(i => string.Create(CultureInfo.InvariantCulture, $"{i},{i * 512},{10 + (i * i * 0.2)}")));
        File.WriteAllLines(Path.Combine(_dir, "metrics.csv"), lines);

        string? path = PngReports.WriteRun(_dir);

        Assert.Equal(Path.Combine(_dir, PngReports.RunFileName), path);
        byte[] png = File.ReadAllBytes(path!);
        Assert.Equal((800 + PngChart.LegendWidth(RunReport.ReturnChart(_dir)!), 420), Ihdr(png));
        Assert.True(DistinctColors(png, out _, out _) > 20);
    }

    [Fact]
    public void WriteRun_NoMetrics_WritesNothing()
    {
        Assert.Null(PngReports.WriteRun(_dir));
        Assert.False(File.Exists(Path.Combine(_dir, PngReports.RunFileName)));
    }

    [Fact]
    public void TryWriteSweep_NotASweepDirectory_Throws()
    {
        // only a missing native library is turned into a warning; a wrong folder is still an error
        Assert.ThrowsAny<Exception>(() => PngReports.TryWriteSweep(_dir, BandKind.BootstrapCi, out _));
    }
}
