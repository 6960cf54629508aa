namespace Tensorless.Cli.Training;

/// <summary>
/// Turns the first Ctrl+C into a cancellation of the training run (a clean stop after the current update, so the run
/// still saves, evaluates and summarises); a second Ctrl+C ends the process as usual.
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();

    public StopSignal() => Console.CancelKeyPress += OnCancel;

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        _source.Dispose();
    }

    private void OnCancel(object? sender, ConsoleCancelEventArgs e)
    {
        if (!_source.IsCancellationRequested)
        {
            e.Cancel = true;
            _source.Cancel();
        }
    }
}
