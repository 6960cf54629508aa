namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// One column per row of a dense row-major [rows x cols] matrix, the column given by an index column stored as doubles
/// (actions are stored as doubles). The caller validates every index (a whole number in [0, cols)) first; the kernels
/// assume it. <see cref="Gather"/> overwrites its destination, <see cref="AccumulateScatter"/> adds into its
/// accumulator. Exact: they copy and add single values.
/// </summary>
public static class GatherKernels
{
    /// <summary>Effectively computes <c>dst[i] = x[i, index[i]]</c> for i in [0, index.Length).</summary>
    public static void Gather(ReadOnlySpan<double> x, ReadOnlySpan<double> index, Span<double> dst, int cols)
    {
        for (int r = 0; r < index.Length; r++)
        {
            dst[r] = x[r * cols + (int)index[r]];
        }
    }

    /// <summary>Effectively computes <c>acc[i, index[i]] += g[i]</c> for i in [0, index.Length) (the rule of <see cref="Gather"/>).</summary>
    public static void AccumulateScatter(ReadOnlySpan<double> g, ReadOnlySpan<double> index, Span<double> acc, int cols)
    {
        for (int r = 0; r < index.Length; r++)
        {
            acc[r * cols + (int)index[r]] += g[r];
        }
    }

    /// <summary>
    /// Returns the first row whose index is not a whole number in [0, cols), or -1 when every index is valid. The caller
    /// turns a bad row into an exception naming its op.
    /// </summary>
    public static int FirstInvalidIndex(ReadOnlySpan<double> index, int cols)
    {
        for (int r = 0; r < index.Length; r++)
        {
            double v = index[r];
            int i = (int)v;
            if (i != v || i < 0 || i >= cols)
            {
                return r;
            }
        }

        return -1;
    }
}
