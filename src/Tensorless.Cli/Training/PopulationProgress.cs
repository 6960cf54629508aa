using System.Diagnostics;
using System.Globalization;
using Tensorless.Rl.Populations;

namespace Tensorless.Cli.Training;

/// <summary>
/// Console progress for a population: one line, redrawn in place on a terminal or printed every two seconds to a file,
/// with the agents still training and solved, the mean, spread and range of their last-100 returns, and env steps/s
/// over all agents.
/// </summary>
internal sealed class PopulationProgress(TextWriter output, bool live)
{
    private long _lastTick;
    private PopulationStatus? _last;

    public void Report(PopulationStatus status)
    {
        _last = status;
        long now = Stopwatch.GetTimestamp();
        if (Stopwatch.GetElapsedTime(_lastTick, now).TotalSeconds >= (live ? 0.1 : 2.0))
        {
            _lastTick = now;
            Write(status, final: false);
        }
    }

    /// <summary>Writes the last status as the final line (ending a live line); does nothing the second time.</summary>
    public void Finish()
    {
        if (_last is { } status)
        {
            _last = null;
            Write(status, final: true);
        }
    }

    private void Write(PopulationStatus s, bool final)
    {
        string returns = double.IsNaN(s.ReturnMean)
            ? "return(100) n/a"
            : string.Create(CultureInfo.InvariantCulture, $"return(100) {s.ReturnMean:F1} +/- {s.ReturnStd:F1} [{s.ReturnMin:F1}, {s.ReturnMax:F1}]");
        string line = string.Create(CultureInfo.InvariantCulture,
            $"agents {s.Members}: {s.Training,4} training, {s.Solved,4} solved{(s.Diverged > 0 ? $", {s.Diverged} diverged" : "")}  {returns}  {s.EnvSteps,12:N0} steps  {s.StepsPerSecond,10:N0} steps/s  {s.WallSeconds,7:F1}s");
        if (live)
        {
            output.Write('\r' + line);
            if (final)
            {
                output.WriteLine();
            }
        }
        else
        {
            output.WriteLine(line);
        }

        output.Flush();
    }
}
