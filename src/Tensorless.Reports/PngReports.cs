using Tensorless.Rl.Plotting;
using Tensorless.Rl.Reports;

namespace Tensorless.Reports;

/// <summary>
/// The PNG twins of the reports' charts: <c>curve.png</c> of a run (its return curve, <see cref="RunReport.ReturnChart"/>)
/// and <c>curves.png</c> of a sweep (the multi-seed chart beside curves.svg, <see cref="SweepReport.CurvesChart(string, BandKind)"/>).
/// The <c>TryWrite</c> methods never throw for a missing native library: they return one warning line instead, so a
/// command keeps its SVGs and its exit code on a machine where Skia cannot load.
/// </summary>
public static class PngReports
{
    /// <summary>A run's PNG file name.</summary>
    public const string RunFileName = "curve.png";

    /// <summary>A sweep's PNG file name.</summary>
    public const string SweepFileName = "curves.png";

    private static readonly Lazy<string?> NativeProblem = new(Probe);

    /// <summary>Null when Skia's native library loads here, otherwise why not (one line).</summary>
    public static string? Availability => NativeProblem.Value;

    /// <summary>Writes <c>curve.png</c> in a run directory.</summary>
    /// <param name="runDirectory">A run directory.</param>
    /// <returns>The path written, or null when metrics.csv has no return yet.</returns>
    public static string? WriteRun(string runDirectory) =>
        RunReport.ReturnChart(runDirectory) is ChartSpec spec ? PngChart.Write(spec, Path.Combine(runDirectory, RunFileName)) : null;

    /// <summary>Writes <c>curves.png</c> in a sweep directory.</summary>
    /// <param name="sweepDirectory">A sweep directory.</param>
    /// <param name="band">Band kind, as for curves.svg.</param>
    /// <returns>The path written.</returns>
    /// <exception cref="ArgumentException">Not a sweep directory.</exception>
    public static string WriteSweep(string sweepDirectory, BandKind band = BandKind.BootstrapCi) =>
        PngChart.Write(SweepReport.CurvesChart(sweepDirectory, band), Path.Combine(sweepDirectory, SweepFileName));

    /// <summary><see cref="WriteRun"/>, or a warning line when Skia cannot load.</summary>
    /// <param name="runDirectory">A run directory.</param>
    /// <param name="warning">Null on success, else one line to print.</param>
    /// <returns>The path written, or null.</returns>
    public static string? TryWriteRun(string runDirectory, out string? warning) => Try(() => WriteRun(runDirectory), out warning);

    /// <summary><see cref="WriteSweep"/>, or a warning line when Skia cannot load.</summary>
    /// <param name="sweepDirectory">A sweep directory.</param>
    /// <param name="band">Band kind.</param>
    /// <param name="warning">Null on success, else one line to print.</param>
    /// <returns>The path written, or null.</returns>
    public static string? TryWriteSweep(string sweepDirectory, BandKind band, out string? warning) => Try(() => WriteSweep(sweepDirectory, band), out warning);

    private static string? Try(Func<string?> write, out string? warning)
    {
        warning = Availability is string problem ? $"warning: PNG charts skipped ({problem}); the SVGs are written." : null;
        if (warning is not null)
        {
            return null;
        }

        try
        {
            return write();
        }
        catch (Exception ex) when (IsNativeFailure(ex))
        {
            warning = $"warning: PNG charts skipped ({Inner(ex).Message}); the SVGs are written.";
            return null;
        }
    }

    private static string? Probe()
    {
        try
        {
            using var plot = new ScottPlot.Plot();
            _ = plot.GetImageBytes(8, 8, ScottPlot.ImageFormat.Png);
            return null;
        }
        catch (Exception ex) when (IsNativeFailure(ex))
        {
            return $"Skia's native library did not load: {Inner(ex).Message}";
        }
    }

    private static bool IsNativeFailure(Exception ex) =>
        Inner(ex) is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException || ex is TypeInitializationException;

    private static Exception Inner(Exception ex)
    {
        while (ex is TypeInitializationException { InnerException: { } inner })
        {
            ex = inner;
        }

        return ex;
    }
}
