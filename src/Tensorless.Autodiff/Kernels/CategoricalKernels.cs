using System.Numerics.Tensors;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// The categorical distribution's maths over logits [rows x k] (row-major): log-probabilities and entropies, forward and
/// backward, from the packed softmax [rows x (k + 1)] of <see cref="SoftmaxKernels.SoftmaxRows"/> (shared by forward and
/// backward), plus the tape-free span forms, sampling and the mode. Actions are category indices stored as doubles and
/// already validated by the caller. Forward kernels overwrite their destination; <c>Accumulate...</c> kernels add into
/// the logits' gradient. Exactness: plain loops in a fixed order; the packed and span forms compute the same bits.
/// </summary>
public static class CategoricalKernels
{
    /// <summary>Effectively computes <c>dst[i] = logits[i, a_i] - lse_i</c> with lse_i from <paramref name="packed"/>.</summary>
    public static void LogProb(ReadOnlySpan<double> logits, ReadOnlySpan<double> actions, ReadOnlySpan<double> packed, Span<double> dst, int k)
    {
        for (int r = 0; r < actions.Length; r++)
        {
            dst[r] = logits[r * k + (int)actions[r]] - packed[r * (k + 1) + k];
        }
    }

    /// <summary>Effectively computes <c>dst[i] = -sum_j p_ij (logits[i, j] - lse_i)</c> from <paramref name="packed"/>, for i in [0, dst.Length).</summary>
    public static void Entropy(ReadOnlySpan<double> logits, ReadOnlySpan<double> packed, Span<double> dst, int k)
    {
        for (int r = 0; r < dst.Length; r++)
        {
            dst[r] = SoftmaxKernels.EntropyFromSoftmax(logits.Slice(r * k, k), packed.Slice(r * (k + 1), k), packed[r * (k + 1) + k]);
        }
    }

    // d logp / d logits_j = 1[j = a] - p_j
    /// <summary>The log-probability's rule: <c>acc[i, j] -= g[i] p_ij</c>, then <c>acc[i, a_i] += g[i]</c>.</summary>
    public static void AccumulateLogProbBackward(ReadOnlySpan<double> g, ReadOnlySpan<double> actions, ReadOnlySpan<double> packed, Span<double> acc, int k)
    {
        for (int r = 0; r < actions.Length; r++)
        {
            var p = packed.Slice(r * (k + 1), k);
            for (int j = 0; j < k; j++)
            {
                acc[r * k + j] -= g[r] * p[j];
            }

            acc[r * k + (int)actions[r]] += g[r];
        }
    }

    // dH / d logits_j = -p_j (log p_j + H)
    /// <summary>
    /// The entropy's rule from the forward entropies h: <c>acc[i, j] -= g[i] p_ij (logits[i, j] - lse_i + h[i])</c> where
    /// p_ij &gt; 0 (a category of probability 0 is skipped), for i in [0, g.Length).
    /// </summary>
    public static void AccumulateEntropyBackward(ReadOnlySpan<double> g, ReadOnlySpan<double> h, ReadOnlySpan<double> logits, ReadOnlySpan<double> packed, Span<double> acc, int k)
    {
        for (int r = 0; r < g.Length; r++)
        {
            var p = packed.Slice(r * (k + 1), k);
            double lse = packed[r * (k + 1) + k];
            for (int j = 0; j < k; j++)
            {
                if (p[j] > 0)
                {
                    acc[r * k + j] -= g[r] * p[j] * (logits[r * k + j] - lse + h[r]);
                }
            }
        }
    }

    /// <summary>Effectively computes <c>dst[i] = logits[i, a_i] - LogSumExp(logits[i, :])</c> without a packed softmax.</summary>
    public static void LogProbRows(ReadOnlySpan<double> logits, ReadOnlySpan<double> actions, Span<double> dst, int k)
    {
        for (int r = 0; r < actions.Length; r++)
        {
            var row = logits.Slice(r * k, k);
            dst[r] = row[(int)actions[r]] - SoftmaxKernels.LogSumExp(row);
        }
    }

    /// <summary>Effectively computes <c>dst[i] = EntropyOfRow(logits[i, :])</c> for i in [0, dst.Length).</summary>
    public static void EntropyRows(ReadOnlySpan<double> logits, Span<double> dst, int k)
    {
        for (int r = 0; r < dst.Length; r++)
        {
            dst[r] = SoftmaxKernels.EntropyOfRow(logits.Slice(r * k, k));
        }
    }

    /// <summary>Effectively computes <c>dst[i, j] = exp(logits[i, j] - LogSumExp(logits[i, :]))</c> for dst [rows x k].</summary>
    public static void Probabilities(ReadOnlySpan<double> logits, Span<double> dst, int rows, int k)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = logits.Slice(r * k, k);
            var d = dst.Slice(r * k, k);
            TensorPrimitives.Subtract(row, SoftmaxKernels.LogSumExp(row), d);
            TensorPrimitives.Exp(d, d);
        }
    }

    /// <summary>
    /// Draws one index per row by inverse CDF: one uniform u in [0, 1) per row (in row order), then the first j whose
    /// cumulative unnormalised weight <c>sum_{l &lt;= j} exp(logits[i, l] - max)</c> exceeds <c>u</c> times the row's
    /// total; when rounding puts <c>u * total</c> at the total itself, the last category that can occur.
    /// </summary>
    public static void Sample(ReadOnlySpan<double> logits, Xoshiro256 rng, Span<double> actions, int k)
    {
        for (int r = 0; r < actions.Length; r++)
        {
            var row = logits.Slice(r * k, k);
            double max = TensorPrimitives.Max<double>(row);
            double total = 0;
            for (int j = 0; j < k; j++)
            {
                total += Math.Exp(row[j] - max);
            }

            double u = rng.NextDouble() * total;
            double cumulative = 0;
            int choice = -1;
            int lastPossible = 0;
            for (int j = 0; j < k; j++)
            {
                double w = Math.Exp(row[j] - max);
                if (w > 0)
                {
                    lastPossible = j;
                }

                cumulative += w;
                if (u < cumulative)
                {
                    choice = j;
                    break;
                }
            }

            actions[r] = choice >= 0 ? choice : lastPossible;
        }
    }

    /// <summary>Effectively computes <c>actions[i] = argmax_j logits[i, j]</c>, the first index on ties.</summary>
    public static void Mode(ReadOnlySpan<double> logits, Span<double> actions, int k)
    {
        for (int r = 0; r < actions.Length; r++)
        {
            int best = 0;
            for (int j = 1; j < k; j++)
            {
                if (logits[r * k + j] > logits[r * k + best])
                {
                    best = j;
                }
            }

            actions[r] = best;
        }
    }
}
