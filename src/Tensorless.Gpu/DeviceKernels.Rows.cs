using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int> logSumExpRows = null!, softmaxRows = null!, logSoftmaxRows = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int, double> rowSums = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int> logSoftmaxBackward = null!, categoricalEntropy = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int> categoricalLogProb = null!, categoricalLogProbBackward = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int> categoricalEntropyBackward = null!;

    /// <summary>Effectively <c>dst[i] = log(sum_j exp(x[i, j]))</c> for x [rows x cols], max-shifted (<c>SoftmaxKernels.LogSumExp</c> per row).</summary>
    public void LogSumExpRows(ArrayView<double> x, ArrayView<double> dst, int rows, int cols)
    {
        CheckLength(x.Length, (long)rows * cols);
        CheckLength(dst.Length, rows);
        Rows(logSumExpRows, x, dst, rows, cols);
    }

    /// <summary>Effectively <c>dst[i] = scale * sum_j x[i, j]</c>, summed in index order (the CPU's <c>RowSums</c> uses TensorPrimitives' lanes).</summary>
    public void RowSums(ArrayView<double> x, ArrayView<double> dst, int rows, int cols, double scale)
    {
        CheckLength(x.Length, (long)rows * cols);
        CheckLength(dst.Length, rows);
        if (rows > 0)
        {
            rowSums(rows, x, dst, cols, scale);
        }
    }

    /// <summary>Row-wise softmax into packed [rows x (k + 1)]: probabilities, then the row's log-sum-exp (<c>SoftmaxKernels.SoftmaxRows</c>).</summary>
    public void SoftmaxRows(ArrayView<double> logits, ArrayView<double> packed, int rows, int k)
    {
        CheckLength(logits.Length, (long)rows * k);
        CheckLength(packed.Length, (long)rows * (k + 1));
        Rows(softmaxRows, logits, packed, rows, k);
    }

    /// <summary>Effectively <c>dst[i, j] = x[i, j] - LogSumExp(x[i, :])</c> (<c>SoftmaxKernels.LogSoftmaxRows</c>).</summary>
    public void LogSoftmaxRows(ArrayView<double> x, ArrayView<double> dst, int rows, int cols)
    {
        CheckLength(x.Length, (long)rows * cols);
        CheckLength(dst.Length, (long)rows * cols);
        Rows(logSoftmaxRows, x, dst, rows, cols);
    }

    /// <summary>The log-softmax rule from its output y: <c>acc[i, l] += g[i, l] - exp(y[i, l]) sum_j g[i, j]</c>, the sum in index order.</summary>
    public void AccumulateLogSoftmaxBackward(ArrayView<double> y, ArrayView<double> g, ArrayView<double> acc, int rows, int cols)
    {
        CheckLength(y.Length, (long)rows * cols);
        CheckLength(g.Length, (long)rows * cols);
        CheckLength(acc.Length, (long)rows * cols);
        if (rows > 0)
        {
            logSoftmaxBackward(rows, y, g, acc, cols);
        }
    }

    /// <summary>Effectively <c>dst[i] = logits[i, a_i] - lse_i</c> with lse from packed (<c>CategoricalKernels.LogProb</c>); rows = actions.</summary>
    public void CategoricalLogProb(ArrayView<double> logits, ArrayView<double> actions, ArrayView<double> packed, ArrayView<double> dst, int rows, int k)
    {
        CheckCategorical(logits, packed, rows, k);
        CheckLength(actions.Length, rows);
        CheckLength(dst.Length, rows);
        if (rows > 0)
        {
            categoricalLogProb(rows, logits, actions, packed, dst, k);
        }
    }

    /// <summary>Effectively <c>dst[i] = -sum_j p_ij (logits[i, j] - lse_i)</c> over p_ij &gt; 0 (<c>CategoricalKernels.Entropy</c>).</summary>
    public void CategoricalEntropy(ArrayView<double> logits, ArrayView<double> packed, ArrayView<double> dst, int rows, int k)
    {
        CheckCategorical(logits, packed, rows, k);
        CheckLength(dst.Length, rows);
        if (rows > 0)
        {
            categoricalEntropy(rows, logits, packed, dst, k);
        }
    }

    /// <summary>The log-probability's rule: <c>acc[i, j] -= g[i] p_ij</c>, then <c>acc[i, a_i] += g[i]</c> (<c>CategoricalKernels.AccumulateLogProbBackward</c>).</summary>
    public void AccumulateCategoricalLogProbBackward(ArrayView<double> g, ArrayView<double> actions, ArrayView<double> packed, ArrayView<double> acc, int rows, int k)
    {
        CheckCategorical(acc, packed, rows, k);
        CheckLength(g.Length, rows);
        CheckLength(actions.Length, rows);
        if (rows > 0)
        {
            categoricalLogProbBackward(rows, g, actions, packed, acc, k);
        }
    }

    /// <summary>The entropy's rule: <c>acc[i, j] -= g[i] p_ij (logits[i, j] - lse_i + h[i])</c> where p_ij &gt; 0 (<c>CategoricalKernels.AccumulateEntropyBackward</c>).</summary>
    public void AccumulateCategoricalEntropyBackward(ArrayView<double> g, ArrayView<double> h, ArrayView<double> logits, ArrayView<double> packed, ArrayView<double> acc, int rows, int k)
    {
        CheckCategorical(logits, packed, rows, k);
        CheckLength(acc.Length, (long)rows * k);
        CheckLength(g.Length, rows);
        CheckLength(h.Length, rows);
        if (rows > 0)
        {
            categoricalEntropyBackward(rows, g, h, logits, packed, acc, k);
        }
    }

    private void LoadRows(Accelerator accelerator)
    {
        logSumExpRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(RowKernels.LogSumExpRows);
        softmaxRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(RowKernels.SoftmaxRows);
        logSoftmaxRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(RowKernels.LogSoftmaxRows);
        rowSums = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, double>(RowKernels.RowSums);
        logSoftmaxBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(RowKernels.LogSoftmaxBackward);
        categoricalEntropy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(RowKernels.CategoricalEntropy);
        categoricalLogProb = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(RowKernels.CategoricalLogProb);
        categoricalLogProbBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(RowKernels.CategoricalLogProbBackward);
        categoricalEntropyBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(RowKernels.CategoricalEntropyBackward);
    }

    private static void Rows(Action<Index1D, ArrayView<double>, ArrayView<double>, int> kernel, ArrayView<double> x, ArrayView<double> dst, int rows, int cols)
    {
        if (rows > 0 && cols > 0)
        {
            kernel(rows, x, dst, cols);
        }
    }

    private static void CheckCategorical(ArrayView<double> logits, ArrayView<double> packed, int rows, int k)
    {
        CheckLength(logits.Length, (long)rows * k);
        CheckLength(packed.Length, (long)rows * (k + 1));
    }
}
