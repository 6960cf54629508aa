using System.Numerics.Tensors;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// Log-sum-exp, softmax, log-softmax and entropy over the rows of a dense row-major [rows x k] matrix of logits, each
/// with the maximum subtracted first so large logits do not overflow. Forward kernels overwrite their destination; the
/// backward kernel accumulates. Exactness: every kernel is one plain loop in a fixed order (exps summed left to right,
/// then one log), and the fused softmax computes its log-sum-exp exactly as <see cref="LogSumExp"/> does, so a tape op,
/// a span method and a recomputation agree bit for bit.
/// </summary>
public static class SoftmaxKernels
{
    /// <summary>
    /// Returns <c>log(sum_j exp(row[j]))</c> as <c>max + log(sum_j exp(row[j] - max))</c>; an infinite maximum (all
    /// -inf, or a +inf) is returned as is.
    /// </summary>
    public static double LogSumExp(ReadOnlySpan<double> row)
    {
        double max = TensorPrimitives.Max<double>(row);
        if (double.IsInfinity(max))
        {
            return max;
        }

        double sum = 0;
        for (int j = 0; j < row.Length; j++)
        {
            sum += Math.Exp(row[j] - max);
        }

        return max + Math.Log(sum);
    }

    /// <summary>
    /// Row-wise softmax of <paramref name="logits"/> [rows x k] into <paramref name="packed"/> [rows x (k + 1)]: columns
    /// 0..k-1 get <c>p_j = exp(x_j - max) / s</c> and column k the log-sum-exp <c>max + log s</c>, with
    /// <c>s = sum_j exp(x_j - max)</c>: one exp per logit and one log per row serve a fused op's forward and backward
    /// passes. A row without a finite maximum gets NaN probabilities and the infinite maximum as its log-sum-exp.
    /// </summary>
    public static void SoftmaxRows(ReadOnlySpan<double> logits, Span<double> packed, int rows, int k)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = logits.Slice(r * k, k);
            var p = packed.Slice(r * (k + 1), k);
            double max = TensorPrimitives.Max<double>(row);
            if (double.IsInfinity(max))
            {
                p.Fill(double.NaN);
                packed[r * (k + 1) + k] = max;
                continue;
            }

            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                double e = Math.Exp(row[j] - max);
                p[j] = e;
                sum += e;
            }

            for (int j = 0; j < k; j++)
            {
                p[j] /= sum;
            }

            packed[r * (k + 1) + k] = max + Math.Log(sum);
        }
    }

    /// <summary>Effectively computes <c>dst[i, j] = x[i, j] - LogSumExp(x[i, :])</c> for x [rows x cols].</summary>
    public static void LogSoftmaxRows(ReadOnlySpan<double> x, Span<double> dst, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * cols, cols);
            TensorPrimitives.Subtract(row, LogSumExp(row), dst.Slice(r * cols, cols));
        }
    }

    /// <summary>
    /// The rule of <see cref="LogSoftmaxRows"/> from its output y: d y_j / d x_l = delta_jl - softmax_l, so
    /// <c>acc[i, l] += g[i, l] - exp(y[i, l]) * sum_j g[i, j]</c>.
    /// </summary>
    public static void AccumulateLogSoftmaxBackward(ReadOnlySpan<double> y, ReadOnlySpan<double> g, Span<double> acc, int rows, int cols)
    {
        for (int r = 0; r < rows; r++)
        {
            var gr = g.Slice(r * cols, cols);
            var yr = y.Slice(r * cols, cols);
            var ar = acc.Slice(r * cols, cols);
            double total = TensorPrimitives.Sum<double>(gr);
            for (int j = 0; j < cols; j++)
            {
                ar[j] += gr[j] - Math.Exp(yr[j]) * total;
            }
        }
    }

    /// <summary>
    /// Returns <c>-sum_j p_j log p_j</c> of one row of logits, recomputing the softmax (the same arithmetic as
    /// <see cref="SoftmaxRows"/> followed by <see cref="EntropyFromSoftmax"/>, except that p is not stored).
    /// </summary>
    public static double EntropyOfRow(ReadOnlySpan<double> row)
    {
        double max = TensorPrimitives.Max<double>(row);
        double sum = 0;
        for (int j = 0; j < row.Length; j++)
        {
            sum += Math.Exp(row[j] - max);
        }

        double lse = max + Math.Log(sum);
        double h = 0;
        for (int j = 0; j < row.Length; j++)
        {
            double p = Math.Exp(row[j] - max) / sum;
            if (p > 0)
            {
                h -= p * (row[j] - lse); // a category of probability 0 adds nothing (0 log 0 = 0)
            }
        }

        return h;
    }

    /// <summary>Returns <c>-sum_j p_j (row[j] - lse)</c> from a row's softmax p and log-sum-exp (0 log 0 counts as 0).</summary>
    public static double EntropyFromSoftmax(ReadOnlySpan<double> row, ReadOnlySpan<double> p, double lse)
    {
        double h = 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (p[j] > 0)
            {
                h -= p[j] * (row[j] - lse);
            }
        }

        return h;
    }
}
