using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<double>> tanh = null!, relu = null!, accumulate = null!;
    private Action<Index1D, ArrayView<double>, double, ArrayView<double>> scale = null!, accumulateScaled = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>> add = null!, tanhBackward = null!, reluBackward = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int> addRow = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int, int> broadcastRow = null!, columnSums = null!;

    /// <summary>Effectively <c>dst[i] = tanh(x[i])</c> for i in [0, n) (the device's tanh; the CPU uses TensorPrimitives.Tanh).</summary>
    public void Tanh(ArrayView<double> x, ArrayView<double> dst, int n) => Map(tanh, x, dst, n);

    /// <summary>Effectively <c>dst[i] = max(x[i], 0)</c> with TensorPrimitives.Max's rules (NaN stays, -0 gives +0).</summary>
    public void Relu(ArrayView<double> x, ArrayView<double> dst, int n) => Map(relu, x, dst, n);

    /// <summary>Effectively <c>dst[i] = x[i] * c</c> (<c>ElementwiseKernels.Scale</c>); dst may be x.</summary>
    public void Scale(ArrayView<double> x, double c, ArrayView<double> dst, int n)
    {
        CheckLength(x.Length, n);
        CheckLength(dst.Length, n);
        if (n > 0)
        {
            scale(n, x, c, dst);
        }
    }

    /// <summary>Effectively <c>dst[i] = x[i] + y[i]</c> (<c>ElementwiseKernels.Add</c>).</summary>
    public void Add(ArrayView<double> x, ArrayView<double> y, ArrayView<double> dst, int n) => Map2(add, x, y, dst, n);

    /// <summary>Effectively <c>acc[i] += g[i]</c> (<c>ElementwiseKernels.Accumulate</c>).</summary>
    public void Accumulate(ArrayView<double> g, ArrayView<double> acc, int n) => Map(accumulate, g, acc, n);

    /// <summary>Effectively <c>acc[i] = g[i] * c + acc[i]</c>, two roundings (<c>ElementwiseKernels.AccumulateScaled</c>).</summary>
    public void AccumulateScaled(ArrayView<double> g, double c, ArrayView<double> acc, int n)
    {
        CheckLength(g.Length, n);
        CheckLength(acc.Length, n);
        if (n > 0)
        {
            accumulateScaled(n, g, c, acc);
        }
    }

    /// <summary>The tanh rule from the saved output y: <c>acc[i] += g[i] (1 - y[i] y[i])</c> (<c>TanhGradient</c>).</summary>
    public void AccumulateTanhBackward(ArrayView<double> g, ArrayView<double> y, ArrayView<double> acc, int n) => Map2(tanhBackward, g, y, acc, n);

    /// <summary>The relu rule from the saved input a: <c>acc[i] += a[i] &gt; 0 ? g[i] : 0</c> (<c>ReluGradient</c>).</summary>
    public void AccumulateReluBackward(ArrayView<double> g, ArrayView<double> a, ArrayView<double> acc, int n) => Map2(reluBackward, g, a, acc, n);

    /// <summary>Effectively <c>dst[i, j] = x[i, j] + row[j]</c> for x [rows x cols] (a bias add, <c>ElementwiseKernels.AddRowToEachRow</c>).</summary>
    public void AddRowToEachRow(ArrayView<double> x, ArrayView<double> row, ArrayView<double> dst, int rows, int cols) =>
        BatchedAddRowToEachRow(x, row, dst, 1, rows, cols);

    /// <summary>
    /// <see cref="AddRowToEachRow"/> for <paramref name="batch"/> members at once (a population's biases): x and dst hold
    /// the members' [rows x cols] blocks back to back, <paramref name="row"/> one [cols] row per member.
    /// </summary>
    public void BatchedAddRowToEachRow(ArrayView<double> x, ArrayView<double> row, ArrayView<double> dst, int batch, int rows, int cols)
    {
        long n = (long)batch * rows * cols;
        CheckLength(x.Length, n);
        CheckLength(row.Length, (long)batch * cols);
        CheckLength(dst.Length, n);
        if (n > 0)
        {
            addRow((int)n, x, row, dst, cols, rows * cols);
        }
    }

    /// <summary>Effectively <c>dst[i, j] = row[j]</c> for dst [rows x cols] (<c>ElementwiseKernels.BroadcastRow</c>).</summary>
    public void BroadcastRow(ArrayView<double> row, ArrayView<double> dst, int rows, int cols) =>
        BatchedBroadcastRow(row, dst, 1, rows, cols);

    /// <summary>
    /// <see cref="BroadcastRow"/> for <paramref name="batch"/> members at once (a population's biases, or each member's
    /// log-std over its rows): <paramref name="row"/> holds one [cols] row per member, dst the members' [rows x cols]
    /// blocks back to back; each element a copy.
    /// </summary>
    public void BatchedBroadcastRow(ArrayView<double> row, ArrayView<double> dst, int batch, int rows, int cols)
    {
        long n = (long)batch * rows * cols;
        CheckLength(row.Length, (long)batch * cols);
        CheckLength(dst.Length, n);
        if (n > 0)
        {
            broadcastRow((int)n, row, dst, cols, rows * cols);
        }
    }

    /// <summary>
    /// Effectively <c>acc[j] += sum_i g[i, j]</c> for g [rows x cols], adding row after row (the bias gradient,
    /// <c>ReductionKernels.AccumulateColumnSums</c>, same bits): one thread per column.
    /// </summary>
    public void AccumulateColumnSums(ArrayView<double> g, ArrayView<double> acc, int rows, int cols) =>
        BatchedAccumulateColumnSums(g, acc, 1, rows, cols);

    /// <summary>
    /// <see cref="AccumulateColumnSums"/> for <paramref name="batch"/> members at once (a population's bias gradients):
    /// g holds the members' [rows x cols] blocks back to back, <paramref name="acc"/> one [cols] row per member.
    /// </summary>
    public void BatchedAccumulateColumnSums(ArrayView<double> g, ArrayView<double> acc, int batch, int rows, int cols)
    {
        CheckLength(g.Length, (long)batch * rows * cols);
        CheckLength(acc.Length, (long)batch * cols);
        if (batch > 0 && cols > 0)
        {
            columnSums(batch * cols, g, acc, rows, cols);
        }
    }

    private void LoadElementwise(Accelerator accelerator)
    {
        tanh = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>>(MapKernels.Tanh);
        relu = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>>(MapKernels.Relu);
        accumulate = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>>(MapKernels.Accumulate);
        scale = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, double, ArrayView<double>>(MapKernels.Scale);
        accumulateScaled = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, double, ArrayView<double>>(MapKernels.AccumulateScaled);
        add = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>>(MapKernels.Add);
        tanhBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>>(MapKernels.TanhBackward);
        reluBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>>(MapKernels.ReluBackward);
        addRow = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int>(MapKernels.AddRowToEachRow);
        broadcastRow = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int>(MapKernels.BroadcastRow);
        columnSums = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, int>(MapKernels.AccumulateColumnSums);
    }

    private static void Map(Action<Index1D, ArrayView<double>, ArrayView<double>> kernel, ArrayView<double> x, ArrayView<double> dst, int n)
    {
        CheckLength(x.Length, n);
        CheckLength(dst.Length, n);
        if (n > 0)
        {
            kernel(n, x, dst);
        }
    }

    private static void Map2(Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>> kernel, ArrayView<double> x, ArrayView<double> y, ArrayView<double> dst, int n)
    {
        CheckLength(x.Length, n);
        CheckLength(y.Length, n);
        CheckLength(dst.Length, n);
        if (n > 0)
        {
            kernel(n, x, y, dst);
        }
    }
}
