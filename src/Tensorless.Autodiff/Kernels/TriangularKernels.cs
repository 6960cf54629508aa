namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// Solves and products with a lower-triangular matrix L [d x d], dense row-major, whose upper triangle is ignored (never
/// read): forward substitution (L v = b), back substitution with the transpose (L^T v = b), the product L z, and the
/// Cholesky log-determinant term <c>sum_j log L_jj</c>. Solves and the product work in place on one vector of length d.
/// The caller checks that the diagonal is positive and finite. Exactness: plain loops in the textbook order (each
/// unknown's dot product left to right, then one division), the same bits as the solves the tape always ran.
/// </summary>
public static class TriangularKernels
{
    /// <summary>Solves <c>L v = b</c> in place (b is overwritten by v): <c>v_i = (b_i - sum_{j &lt; i} L_ij v_j) / L_ii</c>.</summary>
    public static void ForwardSubstitute(ReadOnlySpan<double> l, Span<double> b, int d)
    {
        for (int i = 0; i < d; i++)
        {
            double s = b[i];
            for (int j = 0; j < i; j++)
            {
                s -= l[i * d + j] * b[j];
            }

            b[i] = s / l[i * d + i];
        }
    }

    /// <summary>Solves <c>L^T v = b</c> in place: <c>v_i = (b_i - sum_{j &gt; i} L_ji v_j) / L_ii</c>, last unknown first.</summary>
    public static void BackSubstituteTransposed(ReadOnlySpan<double> l, Span<double> b, int d)
    {
        for (int i = d - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int j = i + 1; j < d; j++)
            {
                s -= l[j * d + i] * b[j];
            }

            b[i] = s / l[i * d + i];
        }
    }

    /// <summary>
    /// Computes <c>x = shift + L x</c> in place: <c>x_i = shift_i + sum_{j &lt;= i} L_ij x_j</c>, last row first (row i
    /// needs x_0..x_i, which the rows above have not overwritten yet).
    /// </summary>
    public static void MultiplyAddInPlace(ReadOnlySpan<double> l, ReadOnlySpan<double> shift, Span<double> x, int d)
    {
        for (int i = d - 1; i >= 0; i--)
        {
            double s = 0;
            for (int j = 0; j <= i; j++)
            {
                s += l[i * d + j] * x[j];
            }

            x[i] = shift[i] + s;
        }
    }

    /// <summary>
    /// Effectively computes <c>factor[i, j] = raw[i, j]</c> below the diagonal, <c>exp(raw[j, j])</c> on it and 0 above it:
    /// a valid Cholesky factor from an unconstrained d x d parameter (overwrites all of factor).
    /// </summary>
    public static void LowerFromUnconstrained(ReadOnlySpan<double> raw, Span<double> factor, int d)
    {
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                factor[i * d + j] = j < i ? raw[i * d + j] : j == i ? Math.Exp(raw[i * d + i]) : 0.0;
            }
        }
    }

    /// <summary>Returns <c>sum_j log L_jj</c>, summed from j = 0 up (half the log-determinant of <c>L L^T</c>).</summary>
    public static double LogDiagonal(ReadOnlySpan<double> l, int d)
    {
        double sum = 0;
        for (int j = 0; j < d; j++)
        {
            sum += Math.Log(l[j * d + j]);
        }

        return sum;
    }

    /// <summary>Returns the first j whose diagonal entry L_jj is not positive and finite, or -1 when all are.</summary>
    public static int FirstInvalidDiagonal(ReadOnlySpan<double> l, int d)
    {
        for (int j = 0; j < d; j++)
        {
            double v = l[j * d + j];
            if (!(v > 0) || double.IsInfinity(v))
            {
                return j;
            }
        }

        return -1;
    }
}
