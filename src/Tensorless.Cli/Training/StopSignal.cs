using Tensorless.Rl;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Training;

/// <summary>Turns Ctrl+C into a clean stop after the current update, so the run still saves, evaluates and summarises.</summary>
internal sealed class StopSignal : ITrainingCallback, IDisposable
{
    private volatile bool _requested;

    public StopSignal() => Console.CancelKeyPress += OnCancel;

    public bool Requested => _requested;

    public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics) => !_requested;

    public void Dispose() => Console.CancelKeyPress -= OnCancel;

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (!_requested)
        {
            // the first Ctrl+C stops after this update; a second one ends the process as usual
            e.Cancel = true;
            _requested = true;
        }
    }
}
