namespace Tensorless.Distributed;

/// <summary>
/// The few collective operations data-parallel training needs, over a fixed group of ranks 0..Size-1. Every rank must
/// make the same calls in the same order with the same lengths (MPI's rule for collectives).
/// </summary>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's (or thread's) rank, 0..Size-1.</summary>
    int Rank { get; }

    /// <summary>Number of ranks in the group.</summary>
    int Size { get; }

    /// <summary>
    /// Effectively computes <c>buffer[i] = sum over ranks r = 0, 1, ... of buffer_r[i]</c> in place, added in rank order,
    /// so every rank ends with the same bits.
    /// </summary>
    void AllReduceSum(Span<double> buffer);

    /// <summary>Copies <paramref name="buffer"/> of rank <paramref name="root"/> into every rank's buffer.</summary>
    void Broadcast(Span<double> buffer, int root = 0);

    /// <summary>Returns once every rank has called it.</summary>
    void Barrier();

    /// <summary>
    /// Gathers one small record of the same length from every rank onto rank 0: there it returns the records in rank
    /// order; on the other ranks it returns null.
    /// </summary>
    double[][]? Gather(ReadOnlySpan<double> record);
}
