using System.Numerics.Tensors;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>Sum of all elements, as a 1 x 1 tensor.</summary>
    public Tensor Sum(Tensor a)
    {
        var y = Output(1, 1, a.RequiresGrad);
        y.Data[0] = TensorPrimitives.Sum<double>(a.Data);
        Record(OpKind.Sum, y, a);
        return y;
    }

    /// <summary>Mean of all elements, as a 1 x 1 tensor.</summary>
    public Tensor Mean(Tensor a)
    {
        var y = Output(1, 1, a.RequiresGrad);
        y.Data[0] = TensorPrimitives.Sum<double>(a.Data) / a.Length;
        Record(OpKind.Mean, y, a);
        return y;
    }

    /// <summary>Sum of each row, as an m x 1 tensor.</summary>
    public Tensor SumRows(Tensor a)
    {
        var y = Output(a.Rows, 1, a.RequiresGrad);
        RowSums(a, y.Data, 1.0);
        Record(OpKind.SumRows, y, a);
        return y;
    }

    /// <summary>Mean of each row, as an m x 1 tensor.</summary>
    public Tensor MeanRows(Tensor a)
    {
        var y = Output(a.Rows, 1, a.RequiresGrad);
        RowSums(a, y.Data, 1.0 / a.Cols);
        Record(OpKind.MeanRows, y, a);
        return y;
    }

    /// <summary>Row-wise log-softmax: <c>out[i, j] = a[i, j] - log(sum_k exp(a[i, k]))</c>, computed stably.</summary>
    public Tensor LogSoftmax(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        var ad = a.Data;
        var yd = y.Data;
        int n = a.Cols;
        for (int r = 0; r < a.Rows; r++)
        {
            var row = ad.Slice(r * n, n);
            double lse = LogSumExp(row);
            TensorPrimitives.Subtract(row, lse, yd.Slice(r * n, n));
        }

        Record(OpKind.LogSoftmax, y, a);
        return y;
    }

    /// <summary>
    /// Picks one column per row: <c>out[i, 0] = a[i, index[i]]</c>. <paramref name="index"/> is an m x 1 tensor of whole
    /// numbers (actions are stored as doubles) and is not differentiated.
    /// </summary>
    /// <exception cref="ArgumentException">The index tensor is not [m x 1], or an index is not a whole number in [0, a.Cols).</exception>
    public Tensor Gather(Tensor a, Tensor index)
    {
        Column(nameof(Gather), "an index", index, a.Rows);
        var y = Output(a.Rows, 1, a.RequiresGrad);
        var ad = a.Data;
        var idx = index.Data;
        var yd = y.Data;
        for (int r = 0; r < a.Rows; r++)
        {
            yd[r] = ad[r * a.Cols + CheckedIndex(nameof(Gather), idx[r], r, a.Cols)];
        }

        Record(OpKind.Gather, y, a, index);
        return y;
    }

    private static void BackwardSum(ref Node node, bool mean)
    {
        var a = node.A!;
        double g = node.Out.Grad[0] * (mean ? 1.0 / a.Length : 1.0);
        TensorPrimitives.Add(a.Grad, g, a.Grad);
    }

    private static void BackwardSumRows(ref Node node, bool mean)
    {
        var a = node.A!;
        var g = node.Out.Grad;
        var ga = a.Grad;
        int n = a.Cols;
        double scale = mean ? 1.0 / n : 1.0;
        for (int r = 0; r < a.Rows; r++)
        {
            TensorPrimitives.Add(ga.Slice(r * n, n), g[r] * scale, ga.Slice(r * n, n));
        }
    }

    // d logsoftmax(a)_j / d a_k = delta_jk - softmax_k, so da_k += g_k - softmax_k * sum_j g_j
    private static void BackwardLogSoftmax(ref Node node)
    {
        var a = node.A!;
        var y = node.Out.Data;
        var g = node.Out.Grad;
        var ga = a.Grad;
        int n = a.Cols;
        for (int r = 0; r < a.Rows; r++)
        {
            var gr = g.Slice(r * n, n);
            var yr = y.Slice(r * n, n);
            var gar = ga.Slice(r * n, n);
            double total = TensorPrimitives.Sum<double>(gr);
            for (int j = 0; j < n; j++)
            {
                gar[j] += gr[j] - Math.Exp(yr[j]) * total;
            }
        }
    }

    private static void BackwardGather(ref Node node)
    {
        var a = node.A!;
        var idx = node.B!.Data;
        var g = node.Out.Grad;
        var ga = a.Grad;
        for (int r = 0; r < a.Rows; r++)
        {
            ga[r * a.Cols + (int)idx[r]] += g[r];
        }
    }

    private static void RowSums(Tensor a, Span<double> dst, double scale)
    {
        var ad = a.Data;
        int n = a.Cols;
        for (int r = 0; r < a.Rows; r++)
        {
            dst[r] = TensorPrimitives.Sum<double>(ad.Slice(r * n, n)) * scale;
        }
    }

    /// <summary>log(sum exp(row)) with the maximum subtracted first so large logits do not overflow.</summary>
    internal static double LogSumExp(ReadOnlySpan<double> row)
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

    private static int CheckedIndex(string op, double value, int row, int count)
    {
        int i = (int)value;
        if (i != value || i < 0 || i >= count)
        {
            throw new ArgumentException($"{op}: row {row} has index {value}, which is not a whole number in [0, {count}).");
        }

        return i;
    }
}
