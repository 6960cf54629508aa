namespace Tensorless.Distributed;

/// <summary>
/// <see cref="ICommunicator"/> over MPI_COMM_WORLD of OpenMPI, through <see cref="MpiNative"/>. Started under
/// <c>mpirun -np R</c> it is one of R ranks; started alone it is a singleton (rank 0 of 1), as OpenMPI allows.
/// <para>
/// Determinism: <see cref="AllReduceSum"/> with 1 or 2 ranks is MPI_Allreduce, whose result is the same bits on every
/// rank because a sum of two doubles is commutative in IEEE arithmetic (<c>a + b == b + a</c> exactly). With more ranks
/// the order of MPI_Allreduce's additions depends on the algorithm OpenMPI picks, so the buffers are gathered on rank 0,
/// added in rank order and broadcast: slower (R buffers at the root), but the same bits everywhere and the same bits
/// as the in-process <see cref="ThreadCommunicator"/>.
/// </para>
/// </summary>
public sealed unsafe class MpiCommunicator : ICommunicator
{
    private readonly MpiNative.Api _api;
    private readonly bool _initializedHere;
    private double[] _gathered = [];
    private bool _disposed;

    private MpiCommunicator(MpiNative.Api api, bool initializedHere, int rank, int size)
    {
        _api = api;
        _initializedHere = initializedHere;
        Rank = rank;
        Size = size;
    }

    /// <summary>Whether an MPI library can be loaded here; <paramref name="reason"/> says why not.</summary>
    public static bool IsAvailable(out string? reason) => MpiNative.TryLoad(out reason);

    /// <summary>Whether this process was started by OpenMPI's mpirun (its environment names a world size).</summary>
    public static bool LaunchedByMpirun => Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_SIZE") is not null;

    /// <summary>Initialises MPI (once per process) and returns the world communicator.</summary>
    /// <exception cref="MpiUnavailableException">No MPI library is installed.</exception>
    /// <exception cref="MpiException">MPI_Init failed.</exception>
    public static MpiCommunicator Initialize()
    {
        var api = MpiNative.Get();
        int flag;
        MpiNative.Check(api.Initialized(&flag), "MPI_Initialized");
        bool here = flag == 0;
        if (here)
        {
            MpiNative.Check(api.Init(null, null), "MPI_Init");
        }

        int rank, size;
        MpiNative.Check(api.CommRank(api.CommWorld, &rank), "MPI_Comm_rank");
        MpiNative.Check(api.CommSize(api.CommWorld, &size), "MPI_Comm_size");
        return new MpiCommunicator(api, here, rank, size);
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size { get; }

    /// <inheritdoc />
    public void AllReduceSum(Span<double> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Size == 1 || buffer.IsEmpty)
        {
            return;
        }

        if (Size == 2)
        {
            fixed (double* p = buffer)
            {
                MpiNative.Check(_api.Allreduce(MpiNative.Api.InPlace, p, buffer.Length, _api.Double, _api.OpSum, _api.CommWorld), "MPI_Allreduce");
            }

            return;
        }

        // rank order, then broadcast: the same bits on every rank whatever OpenMPI's algorithm
        int n = buffer.Length;
        if (Rank == 0 && _gathered.Length < n * Size)
        {
            _gathered = new double[n * Size];
        }

        fixed (double* p = buffer)
        fixed (double* g = _gathered)
        {
            MpiNative.Check(_api.Gather(p, n, _api.Double, g, n, _api.Double, 0, _api.CommWorld), "MPI_Gather");
        }

        if (Rank == 0)
        {
            for (int r = 1; r < Size; r++)
            {
                var part = _gathered.AsSpan(r * n, n);
                for (int i = 0; i < n; i++)
                {
                    buffer[i] += part[i];
                }
            }
        }

        Broadcast(buffer, 0);
    }

    /// <inheritdoc />
    public void Broadcast(Span<double> buffer, int root = 0)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegative(root);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(root, Size);
        if (Size == 1 || buffer.IsEmpty)
        {
            return;
        }

        fixed (double* p = buffer)
        {
            MpiNative.Check(_api.Bcast(p, buffer.Length, _api.Double, root, _api.CommWorld), "MPI_Bcast");
        }
    }

    /// <inheritdoc />
    public void Barrier()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        MpiNative.Check(_api.Barrier(_api.CommWorld), "MPI_Barrier");
    }

    /// <inheritdoc />
    public double[][]? Gather(ReadOnlySpan<double> record)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        int n = record.Length;
        double[] all = Rank == 0 ? new double[Math.Max(1, n * Size)] : [0.0];
        fixed (double* p = record)
        fixed (double* g = all)
        {
            MpiNative.Check(_api.Gather(p, n, _api.Double, g, n, _api.Double, 0, _api.CommWorld), "MPI_Gather");
        }

        if (Rank != 0)
        {
            return null;
        }

        var result = new double[Size][];
        for (int r = 0; r < Size; r++)
        {
            result[r] = all.AsSpan(r * n, n).ToArray();
        }

        return result;
    }

    /// <summary>Ends the whole job with <paramref name="errorCode"/> (MPI_Abort): use when this rank cannot go on, so no other waits forever.</summary>
    public void Abort(int errorCode) => _api.Abort(_api.CommWorld, errorCode);

    /// <summary>Finalises MPI if this instance initialised it.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        int flag;
        if (_initializedHere && _api.Finalized(&flag) == 0 && flag == 0)
        {
            _api.Finalize();
        }
    }
}
