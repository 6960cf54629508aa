namespace Tensorless.Distributed;

/// <summary>
/// An in-process <see cref="ICommunicator"/>: R ranks are R threads of one process. It adds in rank order exactly as
/// <see cref="MpiCommunicator"/> does, so R learners on threads are the reference an R-rank MPI run is held to
/// bit for bit, and the collectives can be tested without MPI.
/// </summary>
public sealed class ThreadCommunicator : ICommunicator
{
    private readonly Group _group;

    private ThreadCommunicator(Group group, int rank)
    {
        _group = group;
        Rank = rank;
    }

    /// <summary>Creates a group of <paramref name="size"/> communicators; give each to its own thread.</summary>
    public static ThreadCommunicator[] CreateGroup(int size)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        var group = new Group(size);
        var members = new ThreadCommunicator[size];
        for (int r = 0; r < size; r++)
        {
            members[r] = new ThreadCommunicator(group, r);
        }

        return members;
    }

    /// <inheritdoc />
    public int Rank { get; }

    /// <inheritdoc />
    public int Size => _group.Size;

    /// <summary>How long a collective waits for the other ranks before it throws (a rank that died must not hang the rest).</summary>
    public static TimeSpan Timeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <inheritdoc />
    public void AllReduceSum(Span<double> buffer)
    {
        _group.Slots[Rank] = buffer.ToArray();
        Sync();
        var sum = (double[])_group.Slots[0].Clone();
        for (int r = 1; r < Size; r++)
        {
            var part = _group.Slots[r];
            for (int i = 0; i < sum.Length; i++)
            {
                sum[i] += part[i];
            }
        }

        Sync();
        sum.CopyTo(buffer);
    }

    /// <inheritdoc />
    public void Broadcast(Span<double> buffer, int root = 0)
    {
        if (Rank == root)
        {
            _group.Slots[root] = buffer.ToArray();
        }

        Sync();
        _group.Slots[root].CopyTo(buffer);
        Sync();
    }

    /// <inheritdoc />
    public void Barrier() => Sync();

    /// <inheritdoc />
    public double[][]? Gather(ReadOnlySpan<double> record)
    {
        _group.Slots[Rank] = record.ToArray();
        Sync();
        double[][]? result = Rank == 0 ? [.. _group.Slots.Select(s => (double[])s.Clone())] : null;
        Sync();
        return result;
    }

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Sync()
    {
        if (!_group.Barrier.SignalAndWait(Timeout))
        {
            throw new TimeoutException($"Rank {Rank}: the other ranks did not reach the collective within {Timeout.TotalSeconds:F0} s.");
        }
    }

    private sealed class Group(int size)
    {
        public int Size { get; } = size;

        public Barrier Barrier { get; } = new(size);

        public double[][] Slots { get; } = new double[size][];
    }
}
