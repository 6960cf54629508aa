namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// The diagonal Gaussian's maths over mean [rows x d] and log standard deviation [1 x d] (<c>shared</c>: one row for
/// the whole batch) or [rows x d], row-major: log-density and entropy, forward and backward, and the reparameterised
/// draw. The row count is the destination's (forward) or the upstream gradient's (backward) length. Forward kernels
/// overwrite their destination; <c>Accumulate...</c> kernels add into every non-empty gradient span (an empty span is an
/// input that needs no gradient). Exactness: plain loops in a fixed order, <c>sigma^-1 = exp(-logStd)</c> recomputed
/// where needed, so the tape op and the span method give the same bits.
/// </summary>
public static class GaussianKernels
{
    /// <summary><c>log(2 pi) / 2</c>, the per-coordinate constant of a normal log-density.</summary>
    public static readonly double HalfLog2Pi = 0.5 * Math.Log(2.0 * Math.PI);

    /// <summary>
    /// Effectively computes <c>dst[i] = sum_j -z_ij^2 / 2 - logStd_ij - log(2 pi) / 2</c> with
    /// <c>z_ij = (a_ij - mu_ij) exp(-logStd_ij)</c>, summed left to right.
    /// </summary>
    public static void LogProb(ReadOnlySpan<double> mean, ReadOnlySpan<double> logStd, ReadOnlySpan<double> actions, Span<double> dst, int d, bool shared)
    {
        for (int r = 0; r < dst.Length; r++)
        {
            double sum = 0;
            int so = shared ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                double z = (actions[r * d + j] - mean[r * d + j]) * Math.Exp(-logStd[so + j]);
                sum += -0.5 * z * z - logStd[so + j] - HalfLog2Pi;
            }

            dst[r] = sum;
        }
    }

    /// <summary>Effectively computes <c>dst[i] = sum_j (1/2 + log(2 pi)/2 + logStd_ij)</c>, summed left to right.</summary>
    public static void Entropy(ReadOnlySpan<double> logStd, Span<double> dst, int d, bool shared)
    {
        for (int r = 0; r < dst.Length; r++)
        {
            int so = shared ? 0 : r * d;
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                sum += 0.5 + HalfLog2Pi + logStd[so + j];
            }

            dst[r] = sum;
        }
    }

    // with z = (a - mu) / sigma: d/dmu = z / sigma, d/dlogStd = z^2 - 1, d/da = -z / sigma
    /// <summary>
    /// The log-density's rule: <c>gMean += g z / sigma</c>, <c>gLogStd += g (z^2 - 1)</c> (summed over rows when shared),
    /// <c>gActions -= g z / sigma</c>; empty gradient spans are skipped.
    /// </summary>
    public static void AccumulateLogProbBackward(
        ReadOnlySpan<double> g, ReadOnlySpan<double> mean, ReadOnlySpan<double> logStd, ReadOnlySpan<double> actions,
        Span<double> gMean, Span<double> gLogStd, Span<double> gActions, int d, bool shared)
    {
        for (int r = 0; r < g.Length; r++)
        {
            int so = shared ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                double invSigma = Math.Exp(-logStd[so + j]);
                double z = (actions[r * d + j] - mean[r * d + j]) * invSigma;
                if (!gMean.IsEmpty)
                {
                    gMean[r * d + j] += g[r] * z * invSigma;
                }

                if (!gLogStd.IsEmpty)
                {
                    gLogStd[so + j] += g[r] * (z * z - 1.0);
                }

                if (!gActions.IsEmpty)
                {
                    gActions[r * d + j] -= g[r] * z * invSigma;
                }
            }
        }
    }

    // dH / d logStd_j = 1
    /// <summary>The entropy's rule for a per-row log-std [rows x d]: <c>gLogStd[i, j] += g[i]</c>.</summary>
    public static void AccumulateEntropyBackward(ReadOnlySpan<double> g, Span<double> gLogStd, int d)
    {
        for (int r = 0; r < g.Length; r++)
        {
            for (int j = 0; j < d; j++)
            {
                gLogStd[r * d + j] += g[r];
            }
        }
    }

    /// <summary>
    /// Turns standard normal noise into draws in place: <c>x[i, j] = mu_ij + exp(logStd_ij) * x[i, j]</c>, for x [rows x d]
    /// with rows = x.Length / d.
    /// </summary>
    public static void ScaleNoise(ReadOnlySpan<double> mean, ReadOnlySpan<double> logStd, Span<double> x, int d, bool shared)
    {
        int rows = d == 0 ? 0 : x.Length / d;
        for (int r = 0; r < rows; r++)
        {
            int so = shared ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                x[r * d + j] = mean[r * d + j] + Math.Exp(logStd[so + j]) * x[r * d + j];
            }
        }
    }
}
