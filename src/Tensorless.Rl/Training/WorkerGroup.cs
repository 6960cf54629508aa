namespace Tensorless.Rl.Training;

/// <summary>
/// A fixed group of workers for a loop that hands the same kind of work to several threads many times: worker 0 is the
/// caller's thread, workers 1..n-1 each a background thread that sleeps until <see cref="Run"/> wakes it. The work is
/// one delegate, given once, so a run allocates nothing. A worker's exception is kept and rethrown on the caller's
/// thread after every worker has finished, so the caller never returns while a worker still reads its data.
/// Used by <see cref="DataParallelRunner"/> (chunks of a batch) and A3C (its asynchronous workers).
/// </summary>
internal sealed class WorkerGroup : IDisposable
{
    private readonly Action<int> _work;
    private readonly string _label;
    private readonly Thread?[] _threads;
    private readonly ManualResetEventSlim[] _start;
    private readonly ManualResetEventSlim[] _done;
    private readonly Exception?[] _errors;
    private volatile bool _disposed;

    /// <summary>Starts <paramref name="workers"/> - 1 threads named <c>{threadName}-{w}</c>.</summary>
    /// <param name="workers">Workers, the caller's thread included; at least 1.</param>
    /// <param name="work">What worker w does in a run.</param>
    /// <param name="threadName">Prefix of the threads' names.</param>
    /// <param name="label">How errors name a worker (<c>"{label} {w} failed: ..."</c>).</param>
    public WorkerGroup(int workers, Action<int> work, string threadName, string label)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        ArgumentNullException.ThrowIfNull(work);
        _work = work;
        _label = label;
        _threads = new Thread?[workers];
        _start = new ManualResetEventSlim[workers];
        _done = new ManualResetEventSlim[workers];
        _errors = new Exception?[workers];
        for (int w = 1; w < workers; w++)
        {
            _start[w] = new ManualResetEventSlim(false, spinCount: 2000);
            _done[w] = new ManualResetEventSlim(false, spinCount: 2000);
            int index = w;
            _threads[w] = new Thread(() => Loop(index)) { IsBackground = true, Name = $"{threadName}-{w}" };
            _threads[w]!.Start();
        }
    }

    /// <summary>Workers, the caller's thread included.</summary>
    public int Workers => _threads.Length;

    /// <summary>How many of the background threads are running (0 after <see cref="Dispose"/>).</summary>
    public int LiveThreads => _threads.Count(t => t is { IsAlive: true });

    /// <summary>
    /// Runs workers 0..<paramref name="count"/>-1 at once (worker 0 on this thread) and waits for all of them, even when
    /// worker 0 throws; then rethrows the first background worker's exception.
    /// </summary>
    /// <param name="count">How many workers take part, 1 to <see cref="Workers"/>.</param>
    /// <exception cref="InvalidOperationException">A background worker failed; the inner exception is its own.</exception>
    public void Run(int count)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Workers);
        for (int w = 1; w < count; w++)
        {
            _done[w].Reset();
            _start[w].Set();
        }

        try
        {
            _work(0);
        }
        finally
        {
            for (int w = 1; w < count; w++)
            {
                _done[w].Wait();
            }
        }

        for (int w = 1; w < count; w++)
        {
            if (_errors[w] is Exception error)
            {
                _errors[w] = null;
                throw new InvalidOperationException($"{_label} {w} failed: {error.Message}", error);
            }
        }
    }

    /// <summary>Stops and joins the threads (each finishes its current work first).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        for (int w = 1; w < Workers; w++)
        {
            _start[w].Set();
            _threads[w]!.Join();
            _start[w].Dispose();
            _done[w].Dispose();
        }
    }

    private void Loop(int w)
    {
        while (true)
        {
            _start[w].Wait();
            _start[w].Reset();
            if (_disposed)
            {
                return;
            }

            try
            {
                _work(w);
            }
            catch (Exception ex)
            {
                _errors[w] = ex;
            }

            _done[w].Set();
        }
    }
}
