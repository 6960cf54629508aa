using Tensorless.Reports;
using Tensorless.Rl.Plotting;

namespace Tensorless.Cli.Commands;

/// <summary>
/// Writes the PNG charts beside a command's SVGs (issue 12): a run's curve.png, a sweep's curves.png. When Skia's
/// native library cannot load it prints one warning line, once per command, and the command carries on.
/// </summary>
internal sealed class PngWriter(TextWriter stderr)
{
    private bool _warned;

    /// <summary>curve.png of a run directory; null when skipped.</summary>
    public string? Run(string runDirectory) => Report(PngReports.TryWriteRun(runDirectory, out string? warning), warning);

    /// <summary>curves.png of a sweep directory; null when skipped.</summary>
    public string? Sweep(string sweepDirectory, BandKind band) => Report(PngReports.TryWriteSweep(sweepDirectory, band, out string? warning), warning);

    private string? Report(string? path, string? warning)
    {
        if (warning is not null && !_warned)
        {
            stderr.WriteLine(warning);
            _warned = true;
        }

        return path;
    }
}
