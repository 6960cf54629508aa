using System.Numerics.Tensors;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// Sums over a whole buffer, over each row and over each column of a dense row-major [rows x cols] matrix, and the
/// broadcasts that are their backward rules. Forward reductions overwrite their destination; the column sums and the
/// broadcasts accumulate into it (they are gradient rules). Exactness: each is the TensorPrimitives call or the plain
/// loop the tape always ran, so the summation order, and with it the bits, are those of earlier releases.
/// </summary>
public static class ReductionKernels
{
    /// <summary>Returns <c>sum_i x[i]</c> (TensorPrimitives' vectorised, pairwise-by-lane order).</summary>
    public static double Sum(ReadOnlySpan<double> x) => TensorPrimitives.Sum<double>(x);

    /// <summary>Returns <c>sum_i x[i] / n</c>, the sum divided by the length (NaN for an empty span).</summary>
    public static double Mean(ReadOnlySpan<double> x) => TensorPrimitives.Sum<double>(x) / x.Length;

    /// <summary>Effectively computes <c>dst[i] = scale * sum_j x[i, j]</c> for x [rows x cols]; the sum is taken first, then scaled.</summary>
    public static void RowSums(ReadOnlySpan<double> x, Span<double> dst, int rows, int cols, double scale)
    {
        for (int r = 0; r < rows; r++)
        {
            dst[r] = TensorPrimitives.Sum<double>(x.Slice(r * cols, cols)) * scale;
        }
    }

    /// <summary>
    /// Effectively computes <c>acc[i, j] += g[i] * scale</c> for acc [rows x cols] (the rule of <see cref="RowSums"/>).
    /// </summary>
    public static void AccumulateRowBroadcast(ReadOnlySpan<double> g, Span<double> acc, int rows, int cols, double scale)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = acc.Slice(r * cols, cols);
            TensorPrimitives.Add(row, g[r] * scale, row);
        }
    }

    /// <summary>
    /// Effectively computes <c>acc[j] += sum_i g[i, j]</c> for g [rows x cols], adding row after row into acc (the bias
    /// gradient of a linear layer). Narrow rows run in a plain loop (no per-row call); both paths add in row order, so they
    /// give the same bits.
    /// </summary>
    public static void AccumulateColumnSums(ReadOnlySpan<double> g, Span<double> acc, int rows, int cols)
    {
        if (cols < 8)
        {
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < cols; j++)
                {
                    acc[j] += g[r * cols + j];
                }
            }

            return;
        }

        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(acc, g.Slice(r * cols, cols), acc);
        }
    }
}
