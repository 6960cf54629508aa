using Tensorless.Autodiff;
using Tensorless.Rl.Policies;

namespace Tensorless.Rl.Training;

/// <summary>
/// Computes the gradient of a per-sample-mean loss over a batch by splitting its rows into chunks: each chunk runs
/// forward and backward on its own tape with its loss scaled by its share of the rows, so the gradients add up to the
/// gradient of the whole batch's loss. Chunks keep activations cache-sized (at most <see cref="ChunkRows"/> rows), and
/// with two or more <see cref="Threads"/> they are shared out between threads, each working on a replica of the
/// policy that shares its weights but not its gradients; the replicas' gradients are then added to the policy's in a
/// fixed order. The chunk layout depends only on the row count and the thread count, so a given seed and thread count
/// give the same bits every time.
/// </summary>
public sealed class DataParallelRunner : IDisposable
{
    /// <summary>Rows below which a batch is not worth splitting across threads.</summary>
    public const int MinRowsPerThread = 32;

    private readonly ActorCriticPolicy[] _policies;
    private readonly Tape[] _tapes;
    private readonly UpdateStats[] _stats;
    private readonly WorkerGroup _group;
    private ChunkLoss? _loss;
    private int _rows;
    private int _chunks;
    private int _activeThreads;
    private volatile bool _disposed;

    /// <summary>Computes one chunk's loss on <paramref name="tape"/> (a fresh recording tape) and returns it, already weighted.</summary>
    /// <param name="tape">The worker's tape, reset for this chunk.</param>
    /// <param name="policy">The policy or its replica for this worker.</param>
    /// <param name="start">First row of the chunk.</param>
    /// <param name="count">Rows in the chunk.</param>
    /// <param name="weight"><paramref name="count"/> divided by the batch's rows: multiply the chunk's mean losses by it.</param>
    /// <param name="stats">Add the chunk's weighted diagnostics here.</param>
    public delegate Tensor ChunkLoss(Tape tape, ActorCriticPolicy policy, int start, int count, double weight, ref UpdateStats stats);

    /// <summary>Creates the runner and, for more than one thread, the replicas and worker threads.</summary>
    /// <exception cref="ArgumentOutOfRangeException">threads or chunkRows is less than 1.</exception>
    public DataParallelRunner(ActorCriticPolicy policy, int threads = 1, int chunkRows = 512)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkRows, 1);
        Threads = threads;
        ChunkRows = chunkRows;
        _policies = new ActorCriticPolicy[threads];
        _tapes = new Tape[threads];
        _stats = new UpdateStats[threads];
        for (int w = 0; w < threads; w++)
        {
            _policies[w] = w == 0 ? policy : policy.CreateReplica();
            _tapes[w] = new Tape();
        }

        _group = new WorkerGroup(threads, Work, "tensorless-update", "Update worker");
    }

    /// <summary>Threads that share a batch (1 runs everything on the caller's thread).</summary>
    public int Threads { get; }

    /// <summary>Largest chunk, in rows.</summary>
    public int ChunkRows { get; }

    /// <summary>
    /// Averages the gradient and diagnostics over a group of learners after this runner's own reduction over threads
    /// (data-parallel training over processes, issue 14); null (the default) for a single learner.
    /// </summary>
    public IGradientReducer? GradientReducer { get; set; }

    /// <summary>
    /// Zeroes every gradient, runs <paramref name="loss"/> over all chunks of <paramref name="rows"/> rows and leaves the
    /// gradient of the batch loss in the policy's parameters. Returns the batch means of the diagnostics.
    /// </summary>
    public UpdateStats Run(int rows, ChunkLoss loss)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentNullException.ThrowIfNull(loss);
        ObjectDisposedException.ThrowIf(_disposed, this);
        _loss = loss;
        _rows = rows;
        _activeThreads = rows >= Threads * MinRowsPerThread ? Threads : 1;
        _chunks = Math.Max(_activeThreads, (rows + ChunkRows - 1) / ChunkRows);
        // the workers read the caller's batch: the group never returns (or throws) while one is still running
        _group.Run(_activeThreads);
        var total = _stats[0];
        var primary = _policies[0].Parameters;
        for (int w = 1; w < _activeThreads; w++)
        {
            total.Add(_stats[w]);
            var replica = _policies[w].Parameters;
            for (int i = 0; i < primary.Count; i++)
            {
                System.Numerics.Tensors.TensorPrimitives.Add(primary[i].Grad, replica[i].Grad, primary[i].Grad);
            }
        }

        _loss = null;
        GradientReducer?.Reduce(_policies[0].Parameters, ref total);
        return total;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _group.Dispose();
    }

    /// <summary>Runs worker <paramref name="w"/>'s contiguous share of the chunks, in order.</summary>
    private void Work(int w)
    {
        var policy = _policies[w];
        var tape = _tapes[w];
        policy.Parameters.ZeroGrad();
        _stats[w] = default;
        int firstChunk = w * _chunks / _activeThreads;
        int endChunk = (w + 1) * _chunks / _activeThreads;
        for (int chunk = firstChunk; chunk < endChunk; chunk++)
        {
            int start = (int)((long)chunk * _rows / _chunks);
            int end = (int)((long)(chunk + 1) * _rows / _chunks);
            tape.Reset();
            var loss = _loss!(tape, policy, start, end - start, (double)(end - start) / _rows, ref _stats[w]);
            tape.Backward(loss);
        }
    }
}
