using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>Device bodies of the row reductions, softmax family and categorical maths: one thread per row, the CPU loop's order.</summary>
internal static class RowKernels
{
    // TensorPrimitives.Max: NaN wins; order does not matter otherwise
    public static double RowMax(ArrayView<double> x, int start, int count)
    {
        double max = x[start];
        for (int j = 1; j < count; j++)
        {
            double v = x[start + j];
            if (double.IsNaN(v))
            {
                return v;
            }

            if (v > max)
            {
                max = v;
            }
        }

        return max;
    }

    // SoftmaxKernels.LogSumExp
    public static double LogSumExp(ArrayView<double> x, int start, int count)
    {
        double max = RowMax(x, start, count);
        if (double.IsInfinity(max))
        {
            return max;
        }

        double sum = 0.0;
        for (int j = 0; j < count; j++)
        {
            sum += Math.Exp(x[start + j] - max);
        }

        return max + Math.Log(sum);
    }

    public static void LogSumExpRows(Index1D r, ArrayView<double> x, ArrayView<double> dst, int cols) => dst[r] = LogSumExp(x, r * cols, cols);

    // ReductionKernels.RowSums, summed in index order
    public static void RowSums(Index1D r, ArrayView<double> x, ArrayView<double> dst, int cols, double scale)
    {
        double sum = 0.0;
        for (int j = 0; j < cols; j++)
        {
            sum += x[(r * cols) + j];
        }

        dst[r] = sum * scale;
    }

    // SoftmaxKernels.SoftmaxRows: packed [rows x (k + 1)], probabilities then the log-sum-exp
    public static void SoftmaxRows(Index1D r, ArrayView<double> logits, ArrayView<double> packed, int k)
    {
        int start = r * k;
        int p = r * (k + 1);
        double max = RowMax(logits, start, k);
        if (double.IsInfinity(max))
        {
            for (int j = 0; j < k; j++)
            {
                packed[p + j] = double.NaN;
            }

            packed[p + k] = max;
            return;
        }

        double sum = 0.0;
        for (int j = 0; j < k; j++)
        {
            double e = Math.Exp(logits[start + j] - max);
            packed[p + j] = e;
            sum += e;
        }

        for (int j = 0; j < k; j++)
        {
            packed[p + j] = packed[p + j] / sum;
        }

        packed[p + k] = max + Math.Log(sum);
    }

    public static void LogSoftmaxRows(Index1D r, ArrayView<double> x, ArrayView<double> dst, int cols)
    {
        double lse = LogSumExp(x, r * cols, cols);
        for (int j = 0; j < cols; j++)
        {
            dst[(r * cols) + j] = x[(r * cols) + j] - lse;
        }
    }

    // acc[i, l] += g[i, l] - exp(y[i, l]) * sum_j g[i, j], the sum in index order
    public static void LogSoftmaxBackward(Index1D r, ArrayView<double> y, ArrayView<double> g, ArrayView<double> acc, int cols)
    {
        int start = r * cols;
        double total = 0.0;
        for (int j = 0; j < cols; j++)
        {
            total += g[start + j];
        }

        for (int j = 0; j < cols; j++)
        {
            acc[start + j] = acc[start + j] + (g[start + j] - (Math.Exp(y[start + j]) * total));
        }
    }

    public static void CategoricalLogProb(Index1D r, ArrayView<double> logits, ArrayView<double> actions, ArrayView<double> packed, ArrayView<double> dst, int k) =>
        dst[r] = logits[(r * k) + (int)actions[r]] - packed[(r * (k + 1)) + k];

    // SoftmaxKernels.EntropyFromSoftmax
    public static void CategoricalEntropy(Index1D r, ArrayView<double> logits, ArrayView<double> packed, ArrayView<double> dst, int k)
    {
        int p = r * (k + 1);
        double lse = packed[p + k];
        double h = 0.0;
        for (int j = 0; j < k; j++)
        {
            double pj = packed[p + j];
            if (pj > 0.0)
            {
                h -= pj * (logits[(r * k) + j] - lse);
            }
        }

        dst[r] = h;
    }

    public static void CategoricalLogProbBackward(Index1D r, ArrayView<double> g, ArrayView<double> actions, ArrayView<double> packed, ArrayView<double> acc, int k)
    {
        int p = r * (k + 1);
        double gr = g[r];
        for (int j = 0; j < k; j++)
        {
            acc[(r * k) + j] = acc[(r * k) + j] - (gr * packed[p + j]);
        }

        int a = (r * k) + (int)actions[r];
        acc[a] = acc[a] + gr;
    }

    public static void CategoricalEntropyBackward(Index1D r, ArrayView<double> g, ArrayView<double> h, ArrayView<double> logits, ArrayView<double> packed, ArrayView<double> acc, int k)
    {
        int p = r * (k + 1);
        double lse = packed[p + k];
        for (int j = 0; j < k; j++)
        {
            double pj = packed[p + j];
            if (pj > 0.0)
            {
                int o = (r * k) + j;
                acc[o] = acc[o] - (g[r] * pj * (logits[o] - lse + h[r]));
            }
        }
    }
}
