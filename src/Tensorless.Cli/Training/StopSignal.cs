using System.Runtime.InteropServices;

namespace Tensorless.Cli.Training;

/// <summary>
/// Turns the first Ctrl+C (SIGINT), SIGTERM or SIGHUP into a cancellation of the training run: a clean stop after the
/// current update, so the run still saves, evaluates and summarises and the CLI exits with
/// <see cref="TrainJob.InterruptedExitCode"/>. SIGTERM is what <c>timeout</c>, <c>docker stop</c>, Kubernetes and batch
/// schedulers send, SIGHUP what a closed terminal or ssh session sends. A second signal of any kind ends the process
/// as usual (the checkpoint on disk is then the last periodic one, which is always complete).
/// </summary>
internal sealed class StopSignal : IDisposable
{
    private readonly CancellationTokenSource _source = new();
    private readonly List<PosixSignalRegistration> _registrations = [];

    public StopSignal()
    {
        Console.CancelKeyPress += OnCancel;
        foreach (var signal in (PosixSignal[])[PosixSignal.SIGTERM, PosixSignal.SIGHUP])
        {
            try
            {
                _registrations.Add(PosixSignalRegistration.Create(signal, OnSignal));
            }
            catch (PlatformNotSupportedException)
            {
                // Windows has no SIGHUP/SIGTERM to catch; its console close and Ctrl+Break end the process as before.
            }
        }
    }

    public CancellationToken Token => _source.Token;

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancel;
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

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

    private void OnSignal(PosixSignalContext context)
    {
        if (!_source.IsCancellationRequested)
        {
            context.Cancel = true;
            _source.Cancel();
        }
    }
}
