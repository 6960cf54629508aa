using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>Sum of all elements, as a 1 x 1 tensor.</summary>
    public Tensor Sum(Tensor a)
    {
        var y = Output(1, 1, a.RequiresGrad);
        y.Data[0] = ReductionKernels.Sum(a.Data);
        Record(OpKind.Sum, y, a);
        return y;
    }

    /// <summary>Mean of all elements, as a 1 x 1 tensor.</summary>
    public Tensor Mean(Tensor a)
    {
        var y = Output(1, 1, a.RequiresGrad);
        y.Data[0] = ReductionKernels.Mean(a.Data);
        Record(OpKind.Mean, y, a);
        return y;
    }

    /// <summary>Sum of each row, as an m x 1 tensor.</summary>
    public Tensor SumRows(Tensor a)
    {
        var y = Output(a.Rows, 1, a.RequiresGrad);
        ReductionKernels.RowSums(a.Data, y.Data, a.Rows, a.Cols, 1.0);
        Record(OpKind.SumRows, y, a);
        return y;
    }

    /// <summary>Mean of each row, as an m x 1 tensor.</summary>
    public Tensor MeanRows(Tensor a)
    {
        var y = Output(a.Rows, 1, a.RequiresGrad);
        ReductionKernels.RowSums(a.Data, y.Data, a.Rows, a.Cols, 1.0 / a.Cols);
        Record(OpKind.MeanRows, y, a);
        return y;
    }

    /// <summary>Row-wise log-softmax: <c>out[i, j] = a[i, j] - log(sum_k exp(a[i, k]))</c>, computed stably.</summary>
    public Tensor LogSoftmax(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        SoftmaxKernels.LogSoftmaxRows(a.Data, y.Data, a.Rows, a.Cols);
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
        CheckIndices(nameof(Gather), index.Data, a.Cols);
        var y = Output(a.Rows, 1, a.RequiresGrad);
        GatherKernels.Gather(a.Data, index.Data, y.Data, a.Cols);
        Record(OpKind.Gather, y, a, index);
        return y;
    }

    private static void BackwardSum(ref Node node, bool mean)
    {
        var a = node.A!;
        ElementwiseKernels.AccumulateScalar(node.Out.Grad[0] * (mean ? 1.0 / a.Length : 1.0), a.Grad);
    }

    private static void BackwardSumRows(ref Node node, bool mean)
    {
        var a = node.A!;
        ReductionKernels.AccumulateRowBroadcast(node.Out.Grad, a.Grad, a.Rows, a.Cols, mean ? 1.0 / a.Cols : 1.0);
    }

    // d logsoftmax(a)_j / d a_k = delta_jk - softmax_k, so da_k += g_k - softmax_k * sum_j g_j
    private static void BackwardLogSoftmax(ref Node node)
    {
        var a = node.A!;
        SoftmaxKernels.AccumulateLogSoftmaxBackward(node.Out.Data, node.Out.Grad, a.Grad, a.Rows, a.Cols);
    }

    private static void BackwardGather(ref Node node)
    {
        var a = node.A!;
        GatherKernels.AccumulateScatter(node.Out.Grad, node.B!.Data, a.Grad, a.Cols);
    }

    /// <summary>Throws unless every index is a whole number in [0, count), naming the first bad row.</summary>
    private static void CheckIndices(string op, ReadOnlySpan<double> index, int count)
    {
        int bad = GatherKernels.FirstInvalidIndex(index, count);
        if (bad >= 0)
        {
            throw new ArgumentException($"{op}: row {bad} has index {index[bad]}, which is not a whole number in [0, {count}).");
        }
    }
}
