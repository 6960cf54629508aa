namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// The multivariate normal's maths for x [rows x d] under mean [rows x d] (or [1 x d], <c>sharedMean</c>) and covariance
/// <c>L L^T</c> with L [d x d] lower triangular (see <see cref="TriangularKernels"/>): log-density and entropy, forward
/// and backward. Forward kernels overwrite their destination (and the whitened residuals they keep for backward);
/// <c>Accumulate...</c> kernels add into every non-empty gradient span. The caller checks shapes and L's diagonal.
/// Exactness: plain loops in a fixed order, the same bits as the tape's and the distribution's historical loops (each
/// keeps its own order of subtracting the constants, documented per method).
/// </summary>
public static class MvnKernels
{
    /// <summary>
    /// The tape's log-density: <c>z_i = L^-1 (x_i - mu_i)</c> into <paramref name="z"/> [rows x d], then
    /// <c>dst[i] = -|z_i|^2 / 2 - logDet - d log(2 pi) / 2</c> (subtracted in that order), for rows = dst.Length.
    /// </summary>
    public static void LogProb(
        ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> l, Span<double> z, Span<double> dst,
        int d, bool sharedMean, double logDet)
    {
        for (int r = 0; r < dst.Length; r++)
        {
            var zr = z.Slice(r * d, d);
            int mo = sharedMean ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                zr[j] = x[r * d + j] - mean[mo + j];
            }

            TriangularKernels.ForwardSubstitute(l, zr, d);
            dst[r] = -0.5 * SumOfSquares(zr) - logDet - d * GaussianKernels.HalfLog2Pi;
        }
    }

    /// <summary>
    /// The span form of the log-density for mean [rows x d]: <c>dst[i] = -|L^-1 (x_i - mu_i)|^2 / 2 - c</c> with the
    /// constant folded first, <c>c = logDet + d log(2 pi) / 2</c>; <paramref name="scratch"/> holds at least d values.
    /// </summary>
    public static void LogProbRows(
        ReadOnlySpan<double> x, ReadOnlySpan<double> mean, ReadOnlySpan<double> l, Span<double> scratch, Span<double> dst, int d, double logDet)
    {
        double constant = logDet + d * GaussianKernels.HalfLog2Pi;
        var z = scratch.Slice(0, d);
        for (int r = 0; r < dst.Length; r++)
        {
            for (int j = 0; j < d; j++)
            {
                z[j] = x[r * d + j] - mean[r * d + j];
            }

            TriangularKernels.ForwardSubstitute(l, z, d);
            dst[r] = -0.5 * SumOfSquares(z) - constant;
        }
    }

    /// <summary>Returns the entropy <c>d (1/2 + log(2 pi)/2) + logDet</c> of a d-dimensional normal.</summary>
    public static double Entropy(int d, double logDet) => d * (0.5 + GaussianKernels.HalfLog2Pi) + logDet;

    // with u = L^-T z: d/dmu = u, d/dx = -u, d/dL = tril(u z^T) - diag(1 / L_jj)
    /// <summary>
    /// The log-density's rule from the saved z [rows x d]: <c>u = L^-T z_i</c>, then <c>gx -= g u</c>,
    /// <c>gMean += g u</c> (summed over rows when shared), <c>gL[i, j] += g u_i z_j</c> for j &lt;= i and
    /// <c>gL[i, i] -= g / L_ii</c>; <paramref name="u"/> is scratch of at least d values.
    /// </summary>
    public static void AccumulateLogProbBackward(
        ReadOnlySpan<double> g, ReadOnlySpan<double> l, ReadOnlySpan<double> z, Span<double> u,
        Span<double> gx, Span<double> gMean, Span<double> gL, int d, bool sharedMean)
    {
        u = u.Slice(0, d);
        for (int r = 0; r < g.Length; r++)
        {
            var zr = z.Slice(r * d, d);
            zr.CopyTo(u);
            TriangularKernels.BackSubstituteTransposed(l, u, d);
            double gr = g[r];
            int mo = sharedMean ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                if (!gx.IsEmpty)
                {
                    gx[r * d + j] -= gr * u[j];
                }

                if (!gMean.IsEmpty)
                {
                    gMean[mo + j] += gr * u[j];
                }
            }

            if (!gL.IsEmpty)
            {
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j <= i; j++)
                    {
                        gL[i * d + j] += gr * u[i] * zr[j];
                    }

                    gL[i * d + i] -= gr / l[i * d + i];
                }
            }
        }
    }

    // dH / dL_jj = 1 / L_jj
    /// <summary>The entropy's rule: <c>gL[j, j] += g / L_jj</c>.</summary>
    public static void AccumulateEntropyBackward(double g, ReadOnlySpan<double> l, Span<double> gL, int d)
    {
        for (int j = 0; j < d; j++)
        {
            gL[j * d + j] += g / l[j * d + j];
        }
    }

    private static double SumOfSquares(ReadOnlySpan<double> z)
    {
        double sq = 0;
        for (int j = 0; j < z.Length; j++)
        {
            sq += z[j] * z[j];
        }

        return sq;
    }
}
