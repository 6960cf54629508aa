using System.Diagnostics;
using System.Globalization;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Training;

/// <summary>
/// Console progress for <c>tensorless train</c>: a single line redrawn in place on a terminal (a bar of env steps against
/// the budget, the mean return of the last 100 episodes and steps per second), or a plain line at most every two
/// seconds when output goes to a file or a pipe, so logs stay readable.
/// </summary>
internal sealed class ConsoleProgress : ITrainingCallback
{
    private const int BarWidth = 28;
    private readonly TextWriter _output;
    private readonly bool _live;
    private readonly double? _target;
    private long _lastTick;

    public ConsoleProgress(TextWriter output, bool live, double? target)
    {
        _output = output;
        _live = live;
        _target = target;
    }

    public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
    {
        long now = Stopwatch.GetTimestamp();
        bool due = Stopwatch.GetElapsedTime(_lastTick, now).TotalSeconds >= (_live ? 0.1 : 2.0);
        if (due)
        {
            _lastTick = now;
            Write(progress, final: false);
        }

        return true;
    }

    public void OnTrainingEnd(TrainingProgress progress) => Write(progress, final: true);

    private void Write(TrainingProgress p, bool final)
    {
        double fraction = p.TotalSteps > 0 ? Math.Min(1.0, (double)p.EnvSteps / p.TotalSteps) : 0;
        int filled = (int)Math.Round(fraction * BarWidth);
        string bar = new string('#', filled) + new string('-', BarWidth - filled);
        string mean = p.Episodes.WindowCount == 0 ? "n/a" : p.MeanReturn.ToString("F1", CultureInfo.InvariantCulture);
        string target = _target is double t ? $" / {t.ToString("G", CultureInfo.InvariantCulture)}" : "";
        double sps = p.WallSeconds > 0 ? p.EnvSteps / p.WallSeconds : 0;
        string line = string.Create(CultureInfo.InvariantCulture,
            $"[{bar}] {p.EnvSteps,9:N0}/{p.TotalSteps:N0} steps  update {p.Updates,5}  return(100) {mean}{target}  episodes {p.Episodes.EpisodeCount,6:N0}  {sps,9:N0} steps/s  {p.WallSeconds,6:F1}s");
        if (_live)
        {
            _output.Write('\r' + line);
            if (final)
            {
                _output.WriteLine();
            }
        }
        else
        {
            _output.WriteLine(line);
        }

        _output.Flush();
    }
}
