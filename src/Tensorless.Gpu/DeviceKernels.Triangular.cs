using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int> forwardSubstituteRows = null!, backSubstituteTransposedRows = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int> multiplyAddRows = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int> lowerFromUnconstrained = null!, logDiagonal = null!;

    /// <summary>
    /// Solves <c>L v = b</c> in place for every row of b [rows x d] (<c>TriangularKernels.ForwardSubstitute</c> per row, one
    /// thread per row): <c>v_i = (b_i - sum_{j &lt; i} L_ij v_j) / L_ii</c>; L's upper triangle is not read.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows or d is negative.</exception>
    public void ForwardSubstituteRows(ArrayView<double> l, ArrayView<double> b, int rows, int d)
    {
        CheckTriangularRows(l, b, rows, d);
        Rows(forwardSubstituteRows, l, b, rows, d);
    }

    /// <summary>
    /// Solves <c>L^T v = b</c> in place for every row of b [rows x d] (<c>TriangularKernels.BackSubstituteTransposed</c> per
    /// row): <c>v_i = (b_i - sum_{j &gt; i} L_ji v_j) / L_ii</c>, last unknown first.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows or d is negative.</exception>
    public void BackSubstituteTransposedRows(ArrayView<double> l, ArrayView<double> b, int rows, int d)
    {
        CheckTriangularRows(l, b, rows, d);
        Rows(backSubstituteTransposedRows, l, b, rows, d);
    }

    /// <summary>
    /// Effectively <c>x_r = shift_r + L x_r</c> in place for every row of x and shift [rows x d]
    /// (<c>TriangularKernels.MultiplyAddInPlace</c> per row): the multivariate normal's sample <c>mean + L eps</c> from
    /// standard normal noise in x.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows or d is negative.</exception>
    public void MultiplyAddRows(ArrayView<double> l, ArrayView<double> shift, ArrayView<double> x, int rows, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(l.Length, (long)d * d);
        CheckLength(shift.Length, (long)rows * d);
        CheckLength(x.Length, (long)rows * d);
        if (rows > 0 && d > 0)
        {
            multiplyAddRows(rows, l, shift, x, d);
        }
    }

    /// <summary>
    /// Effectively <c>factor[i, j] = raw[i, j]</c> below the diagonal, <c>exp(raw[j, j])</c> on it and 0 above it, for d x d
    /// views (<c>TriangularKernels.LowerFromUnconstrained</c>, one thread per element).
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">d is negative.</exception>
    public void LowerFromUnconstrained(ArrayView<double> raw, ArrayView<double> factor, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(raw.Length, (long)d * d);
        CheckLength(factor.Length, (long)d * d);
        if (d > 0)
        {
            lowerFromUnconstrained(d * d, raw, factor, d);
        }
    }

    /// <summary>
    /// Effectively <c>dst[0] = sum_j log L_jj</c>, summed from j = 0 up on one thread (<c>TriangularKernels.LogDiagonal</c>):
    /// the <c>logDet</c> the MVN kernels read, left on the device.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">d is negative.</exception>
    public void LogDiagonal(ArrayView<double> l, ArrayView<double> dst, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(l.Length, (long)d * d);
        CheckLength(dst.Length, 1);
        logDiagonal(1, l, dst, d);
    }

    private void LoadTriangular(Accelerator accelerator)
    {
        forwardSubstituteRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(TriangularRowKernels.ForwardSubstituteRows);
        backSubstituteTransposedRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(TriangularRowKernels.BackSubstituteTransposedRows);
        multiplyAddRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(TriangularRowKernels.MultiplyAddRows);
        lowerFromUnconstrained = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(TriangularRowKernels.LowerFromUnconstrained);
        logDiagonal = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(TriangularRowKernels.LogDiagonal);
    }

    private static void CheckTriangularRows(ArrayView<double> l, ArrayView<double> b, int rows, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(l.Length, (long)d * d);
        CheckLength(b.Length, (long)rows * d);
    }
}
