namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// The distribution side of natural-gradient methods (Kakade 2002; TRPO, Schulman et al. 2015): the Fisher information
/// M of a distribution in its own parameters, applied to a tangent (<c>M u</c>), and the KL divergence whose Hessian at
/// <c>new = old</c> it is. A policy's Fisher in its network weights is <c>F = E_s[J^T M J]</c> with
/// <c>J = d(distribution parameters)/d(weights)</c>; the network supplies <c>J v</c> (forward mode, see
/// <see cref="Nn.Mlp.ForwardWithTangent"/>) and <c>J^T (.)</c> (a backward pass), these kernels the <c>M</c> in between.
/// Every kernel is a plain loop in a fixed order (the formula as written), overwriting its destination.
/// </summary>
public static class FisherKernels
{
    /// <summary>
    /// Categorical on logits z with <c>p = softmax(z)</c>: <c>M = diag(p) - p p^T</c>, so effectively
    /// <c>dst[r, k] = p_rk (v_rk - sum_j p_rj v_rj)</c> per row r of [rows x k] logits.
    /// </summary>
    /// <exception cref="ArgumentException">The spans differ in length, or it is not a multiple of k.</exception>
    public static void CategoricalFisherVector(ReadOnlySpan<double> logits, ReadOnlySpan<double> v, Span<double> dst, int k)
    {
        CheckRows(logits.Length, v.Length, dst.Length, k);
        for (int r = 0; r < dst.Length / k; r++)
        {
            var z = logits.Slice(r * k, k);
            var vr = v.Slice(r * k, k);
            var pr = dst.Slice(r * k, k);
            double max = double.NegativeInfinity;
            foreach (double x in z)
            {
                max = Math.Max(max, x);
            }

            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                pr[j] = Math.Exp(z[j] - max);
                sum += pr[j];
            }

            double pv = 0;
            for (int j = 0; j < k; j++)
            {
                pr[j] /= sum;
                pv += pr[j] * vr[j];
            }

            for (int j = 0; j < k; j++)
            {
                pr[j] *= vr[j] - pv;
            }
        }
    }

    /// <summary>
    /// Diagonal Gaussian with mean [rows x d] and one state-independent log standard deviation [d]: M is block diagonal,
    /// <c>1 / sigma_j^2</c> on the mean and <c>2</c> on each log-std, with no mean/log-std cross term. Effectively
    /// <c>dstMean[r, j] = vMean[r, j] exp(-2 logStd_j)</c> and <c>dstLogStd[j] = 2 vLogStd[j]</c> (the log-std block of one
    /// row; it is the same for every row, so a batch mean of it is itself).
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match d.</exception>
    public static void GaussianFisherVector(ReadOnlySpan<double> logStd, ReadOnlySpan<double> vMean, ReadOnlySpan<double> vLogStd,
        Span<double> dstMean, Span<double> dstLogStd, int d)
    {
        CheckRows(vMean.Length, vMean.Length, dstMean.Length, d);
        if (logStd.Length != d || vLogStd.Length != d || dstLogStd.Length != d)
        {
            throw new ArgumentException($"The log-std spans need {d} values, got {logStd.Length}, {vLogStd.Length} and {dstLogStd.Length}.");
        }

        for (int i = 0; i < dstMean.Length; i++)
        {
            dstMean[i] = vMean[i] * Math.Exp(-2.0 * logStd[i % d]);
        }

        for (int j = 0; j < d; j++)
        {
            dstLogStd[j] = 2.0 * vLogStd[j];
        }
    }

    /// <summary>
    /// Multivariate normal with mean [rows x d] and one covariance <c>Sigma = L L^T</c> given by its lower-triangular
    /// Cholesky factor L [d x d] (the parameter itself, not an unconstrained one: a head that trains
    /// <see cref="Distributions.CholeskyFactor.FromUnconstrained(Tape, Tensor)"/>'s raw matrix multiplies the diagonal
    /// of both the tangent and the result by <c>L_jj</c>). From <c>KL ~ (1/2) dmu^T Sigma^-1 dmu + (1/4) tr(Sigma^-1 dSigma Sigma^-1 dSigma)</c>
    /// and <c>dSigma = V L^T + L V^T</c>: with <c>A = L^-1 V</c>, <c>Sigma^-1 dSigma = L^-T (A + A^T) L^T</c>, so
    /// <c>M</c> has no mean/factor cross term and
    /// <c>dstMean[r] = Sigma^-1 vMean[r] = L^-T L^-1 vMean[r]</c>, <c>dstFactor = tril(L^-T S)</c> with <c>S = A + A^T</c>
    /// (the factor block of one row, the same for every row). <paramref name="scratch"/> holds 2 d^2 values.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match d.</exception>
    public static void MvnFisherVector(ReadOnlySpan<double> factor, ReadOnlySpan<double> vMean, ReadOnlySpan<double> vFactor,
        Span<double> dstMean, Span<double> dstFactor, Span<double> scratch, int d)
    {
        CheckRows(vMean.Length, vMean.Length, dstMean.Length, d);
        if (factor.Length != d * d || vFactor.Length != d * d || dstFactor.Length != d * d || scratch.Length < 2 * d * d)
        {
            throw new ArgumentException($"The factor spans need {d * d} values and the scratch {2 * d * d}.");
        }

        // mean block: two triangular solves per row, L y = v then L^T x = y
        vMean.CopyTo(dstMean);
        for (int r = 0; r < dstMean.Length / d; r++)
        {
            var row = dstMean.Slice(r * d, d);
            TriangularKernels.ForwardSubstitute(factor, row, d);
            TriangularKernels.BackSubstituteTransposed(factor, row, d);
        }

        // factor block: A = L^-1 tril(V) column by column (scratch holds A^T, one column of A per row), S = A + A^T,
        // then L^-T S column by column
        var at = scratch[..(d * d)];
        var s = scratch.Slice(d * d, d * d);
        for (int c = 0; c < d; c++)
        {
            var col = at.Slice(c * d, d);
            for (int i = 0; i < d; i++)
            {
                col[i] = i >= c ? vFactor[i * d + c] : 0.0;
            }

            TriangularKernels.ForwardSubstitute(factor, col, d);
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                // S^T = S, stored by columns: column j of S is s[j*d ..]
                s[j * d + i] = at[j * d + i] + at[i * d + j];
            }
        }

        for (int c = 0; c < d; c++)
        {
            TriangularKernels.BackSubstituteTransposed(factor, s.Slice(c * d, d), d);
        }

        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                dstFactor[i * d + j] = j <= i ? s[j * d + i] : 0.0;
            }
        }
    }

    /// <summary>
    /// Effectively computes <c>dst[r] = KL(Cat(softmax(old_r)) || Cat(softmax(new_r))) = sum_k p_k (log p_k - log q_k)</c>
    /// per row of [rows x k] logits.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match rows x k.</exception>
    public static void CategoricalKl(ReadOnlySpan<double> oldLogits, ReadOnlySpan<double> newLogits, Span<double> dst, int k)
    {
        CheckRows(oldLogits.Length, newLogits.Length, dst.Length * k, k);
        for (int r = 0; r < dst.Length; r++)
        {
            var a = oldLogits.Slice(r * k, k);
            var b = newLogits.Slice(r * k, k);
            double lseA = SoftmaxKernels.LogSumExp(a);
            double lseB = SoftmaxKernels.LogSumExp(b);
            double kl = 0;
            for (int j = 0; j < k; j++)
            {
                double logP = a[j] - lseA;
                kl += Math.Exp(logP) * (logP - (b[j] - lseB));
            }

            dst[r] = kl;
        }
    }

    /// <summary>
    /// Effectively computes, per row of [rows x d] means with one log-std [d] each side,
    /// <c>dst[r] = sum_j (newLogStd_j - oldLogStd_j) + (sigma_old^2 + (mu_old - mu_new)^2) / (2 sigma_new^2) - 1/2</c>,
    /// the KL of the old diagonal Gaussian from the new one.
    /// </summary>
    /// <exception cref="ArgumentException">A length does not match rows x d.</exception>
    public static void GaussianKl(ReadOnlySpan<double> oldMean, ReadOnlySpan<double> oldLogStd, ReadOnlySpan<double> newMean,
        ReadOnlySpan<double> newLogStd, Span<double> dst, int d)
    {
        CheckRows(oldMean.Length, newMean.Length, dst.Length * d, d);
        if (oldLogStd.Length != d || newLogStd.Length != d)
        {
            throw new ArgumentException($"The log-std spans need {d} values, got {oldLogStd.Length} and {newLogStd.Length}.");
        }

        for (int r = 0; r < dst.Length; r++)
        {
            double kl = 0;
            for (int j = 0; j < d; j++)
            {
                double diff = oldMean[r * d + j] - newMean[r * d + j];
                double varRatio = Math.Exp(2.0 * (oldLogStd[j] - newLogStd[j]));
                kl += newLogStd[j] - oldLogStd[j] + 0.5 * (varRatio + diff * diff * Math.Exp(-2.0 * newLogStd[j])) - 0.5;
            }

            dst[r] = kl;
        }
    }

    private static void CheckRows(int a, int b, int dst, int width)
    {
        if (width <= 0 || a != dst || b != dst || dst % width != 0)
        {
            throw new ArgumentException($"The spans need the same length, a multiple of {width}; got {a}, {b} and {dst}.");
        }
    }
}
