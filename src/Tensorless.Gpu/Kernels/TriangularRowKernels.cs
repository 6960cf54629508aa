using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// Device bodies of the lower-triangular solves and products (<c>Tensorless.Autodiff.Kernels.TriangularKernels</c>) with
/// one L [d x d], dense row-major, upper triangle never read. The helpers work in place on the d values of a view that
/// start at an offset, in the CPU loop's order (each unknown's dot product left to right, then one division); the row
/// kernels run one thread per row of a [rows x d] view, so a row's solve is sequential within its thread.
/// </summary>
internal static class TriangularRowKernels
{
    // TriangularKernels.ForwardSubstitute on b[o .. o + d): v_i = (b_i - sum_{j < i} L_ij v_j) / L_ii
    public static void ForwardSubstitute(ArrayView<double> l, ArrayView<double> b, int o, int d)
    {
        for (int i = 0; i < d; i++)
        {
            double s = b[o + i];
            for (int j = 0; j < i; j++)
            {
                s -= l[(i * d) + j] * b[o + j];
            }

            b[o + i] = s / l[(i * d) + i];
        }
    }

    // TriangularKernels.BackSubstituteTransposed on b[o .. o + d): v_i = (b_i - sum_{j > i} L_ji v_j) / L_ii, last first
    public static void BackSubstituteTransposed(ArrayView<double> l, ArrayView<double> b, int o, int d)
    {
        for (int i = d - 1; i >= 0; i--)
        {
            double s = b[o + i];
            for (int j = i + 1; j < d; j++)
            {
                s -= l[(j * d) + i] * b[o + j];
            }

            b[o + i] = s / l[(i * d) + i];
        }
    }

    public static void ForwardSubstituteRows(Index1D r, ArrayView<double> l, ArrayView<double> b, int d) => ForwardSubstitute(l, b, r * d, d);

    public static void BackSubstituteTransposedRows(Index1D r, ArrayView<double> l, ArrayView<double> b, int d) => BackSubstituteTransposed(l, b, r * d, d);

    // TriangularKernels.MultiplyAddInPlace per row: x_i = shift_i + sum_{j <= i} L_ij x_j, last row of L first
    public static void MultiplyAddRows(Index1D r, ArrayView<double> l, ArrayView<double> shift, ArrayView<double> x, int d)
    {
        int o = r * d;
        for (int i = d - 1; i >= 0; i--)
        {
            double s = 0;
            for (int j = 0; j <= i; j++)
            {
                s += l[(i * d) + j] * x[o + j];
            }

            x[o + i] = shift[o + i] + s;
        }
    }

    // TriangularKernels.LowerFromUnconstrained, one thread per element of the d x d factor
    public static void LowerFromUnconstrained(Index1D e, ArrayView<double> raw, ArrayView<double> factor, int d)
    {
        int i = e / d;
        int j = e - (i * d);
        factor[e] = j < i ? raw[e] : j == i ? Math.Exp(raw[e]) : 0.0;
    }

    // TriangularKernels.LogDiagonal on one thread, summed from j = 0 up into dst[0]
    public static void LogDiagonal(Index1D t, ArrayView<double> l, ArrayView<double> dst, int d)
    {
        double sum = 0;
        for (int j = 0; j < d; j++)
        {
            sum += Math.Log(l[(j * d) + j]);
        }

        dst[t] = sum;
    }
}
