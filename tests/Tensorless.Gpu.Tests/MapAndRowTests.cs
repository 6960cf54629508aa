using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Xunit.Abstractions;

namespace Tensorless.Gpu.Tests;

/// <summary>Element-wise maps, their backward rules, bias broadcasts, row reductions, softmax and the categorical maths against the CPU kernels.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class MapAndRowTests(IlgpuCpuFixture fixture, ITestOutputHelper output)
{
    // (rows, cols): size 1, odd sizes, a row wider than a vector
    private static readonly (int Rows, int Cols)[] Shapes = [(1, 1), (1, 2), (3, 5), (7, 3), (2, 17), (5, 1), (4, 9)];

    private GpuDevice Device => fixture.Device;

    private DeviceKernels Kernels => fixture.Kernels;

    [Fact]
    public void Maps_RandomShapes_MatchCpu()
    {
        var rng = new Xoshiro256(21);
        double worstTanh = 0;
        foreach (var (rows, cols) in Shapes)
        {
            int n = rows * cols;
            string context = $"seed 21, rows={rows} cols={cols}";
            var x = TestData.Random(rng, n, -3, 3);
            x[0] = -0.0;
            var g = TestData.Random(rng, n);
            var acc = TestData.Random(rng, n);
            var row = TestData.Random(rng, cols);
            using var dx = Device.Upload(x);
            using var dg = Device.Upload(g);
            using var drow = Device.Upload(row);
            using var dst = Device.Allocate(n);

            var expected = new double[n];
            ElementwiseKernels.Tanh(x, expected);
            Kernels.Tanh(dx.View, dst.View, n);
            // TensorPrimitives.Tanh is its own vectorised approximation; the device (.NET Math.Tanh on ILGPU's CPU
            // accelerator) differs from it by a few ulps
            worstTanh = Math.Max(worstTanh, TestData.AssertClose(expected, Device.Download(dst.View), 1e-12, "tanh, " + context));

            ElementwiseKernels.Relu(x, expected);
            Kernels.Relu(dx.View, dst.View, n);
            TestData.AssertBitEqual(expected, Device.Download(dst.View), "relu, " + context);

            ElementwiseKernels.Scale(x, 0.37, expected);
            Kernels.Scale(dx.View, 0.37, dst.View, n);
            TestData.AssertBitEqual(expected, Device.Download(dst.View), "scale, " + context);

            ElementwiseKernels.Add(x, g, expected);
            Kernels.Add(dx.View, dg.View, dst.View, n);
            TestData.AssertBitEqual(expected, Device.Download(dst.View), "add, " + context);

            ElementwiseKernels.AddRowToEachRow(x, row, expected, rows);
            Kernels.AddRowToEachRow(dx.View, drow.View, dst.View, rows, cols);
            TestData.AssertBitEqual(expected, Device.Download(dst.View), "bias add, " + context);

            ElementwiseKernels.BroadcastRow(row, expected, rows);
            Kernels.BroadcastRow(drow.View, dst.View, rows, cols);
            TestData.AssertBitEqual(expected, Device.Download(dst.View), "broadcast row, " + context);

            CheckAccumulate(acc, context + ", tanh backward", e => GradientKernels.Accumulate(g, x, e, default(TanhGradient)), d => Kernels.AccumulateTanhBackward(dg.View, dx.View, d, n));
            CheckAccumulate(acc, context + ", relu backward", e => GradientKernels.Accumulate(g, x, e, default(ReluGradient)), d => Kernels.AccumulateReluBackward(dg.View, dx.View, d, n));
            CheckAccumulate(acc, context + ", accumulate", e => ElementwiseKernels.Accumulate(g, e), d => Kernels.Accumulate(dg.View, d, n));
            CheckAccumulate(acc, context + ", accumulate scaled", e => ElementwiseKernels.AccumulateScaled(g, -1.7, e), d => Kernels.AccumulateScaled(dg.View, -1.7, d, n));
            var colAcc = TestData.Random(rng, cols);
            CheckAccumulate(colAcc, context + ", column sums", e => ReductionKernels.AccumulateColumnSums(g, e, rows, cols), d => Kernels.AccumulateColumnSums(dg.View, d, rows, cols));
        }

        // measured: 2.2e-16 (one ulp) on ILGPU's CPU accelerator, x in [-3, 3]
        output.WriteLine($"tanh: largest relative difference to TensorPrimitives.Tanh {worstTanh:E2}");
    }

    [Fact]
    public void RowsAndCategorical_RandomShapes_MatchCpu()
    {
        var rng = new Xoshiro256(22);
        double worstSums = 0;
        foreach (var (rows, k) in Shapes)
        {
            string context = $"seed 22, rows={rows} k={k}";
            int n = rows * k;
            var logits = TestData.Random(rng, n, -4, 4);
            var g = TestData.Random(rng, n);
            var gRows = TestData.Random(rng, rows);
            var actions = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                actions[r] = rng.NextInt(k);
            }

            using var dLogits = Device.Upload(logits);
            using var dg = Device.Upload(g);
            using var dgRows = Device.Upload(gRows);
            using var dActions = Device.Upload(actions);
            using var dPacked = Device.Allocate(rows * (k + 1));
            using var dRows = Device.Allocate(rows);
            using var dFull = Device.Allocate(n);

            var packed = new double[rows * (k + 1)];
            SoftmaxKernels.SoftmaxRows(logits, packed, rows, k);
            Kernels.SoftmaxRows(dLogits.View, dPacked.View, rows, k);
            TestData.AssertBitEqual(packed, Device.Download(dPacked.View), "softmax, " + context);

            var lse = new double[rows];
            for (int r = 0; r < rows; r++)
            {
                lse[r] = SoftmaxKernels.LogSumExp(logits.AsSpan(r * k, k));
            }

            Kernels.LogSumExpRows(dLogits.View, dRows.View, rows, k);
            TestData.AssertBitEqual(lse, Device.Download(dRows.View), "log-sum-exp, " + context);

            var logSoftmax = new double[n];
            SoftmaxKernels.LogSoftmaxRows(logits, logSoftmax, rows, k);
            Kernels.LogSoftmaxRows(dLogits.View, dFull.View, rows, k);
            TestData.AssertBitEqual(logSoftmax, Device.Download(dFull.View), "log-softmax, " + context);

            var sums = new double[rows];
            ReductionKernels.RowSums(g, sums, rows, k, 0.3);
            Kernels.RowSums(dg.View, dRows.View, rows, k, 0.3);
            // the CPU sums in TensorPrimitives' vector lanes, the device in index order
            worstSums = Math.Max(worstSums, TestData.AssertClose(sums, Device.Download(dRows.View), 1e-12, "row sums, " + context));

            var acc = TestData.Random(rng, n);
            using var dy = Device.Upload(logSoftmax);
            var expected = (double[])acc.Clone();
            SoftmaxKernels.AccumulateLogSoftmaxBackward(logSoftmax, g, expected, rows, k);
            using (var dAcc = Device.Upload(acc))
            {
                Kernels.AccumulateLogSoftmaxBackward(dy.View, dg.View, dAcc.View, rows, k);
                worstSums = Math.Max(worstSums, TestData.AssertClose(expected, Device.Download(dAcc.View), 1e-12, "log-softmax backward, " + context));
            }

            var logProb = new double[rows];
            CategoricalKernels.LogProb(logits, actions, packed, logProb, k);
            Kernels.CategoricalLogProb(dLogits.View, dActions.View, dPacked.View, dRows.View, rows, k);
            TestData.AssertBitEqual(logProb, Device.Download(dRows.View), "categorical log-prob, " + context);

            var entropy = new double[rows];
            CategoricalKernels.Entropy(logits, packed, entropy, k);
            Kernels.CategoricalEntropy(dLogits.View, dPacked.View, dRows.View, rows, k);
            TestData.AssertBitEqual(entropy, Device.Download(dRows.View), "categorical entropy, " + context);

            using var dEntropy = Device.Upload(entropy);
            CheckAccumulate(acc, context + ", categorical log-prob backward",
                e => CategoricalKernels.AccumulateLogProbBackward(gRows, actions, packed, e, k),
                d => Kernels.AccumulateCategoricalLogProbBackward(dgRows.View, dActions.View, dPacked.View, d, rows, k));
            CheckAccumulate(acc, context + ", categorical entropy backward",
                e => CategoricalKernels.AccumulateEntropyBackward(gRows, entropy, logits, packed, e, k),
                d => Kernels.AccumulateCategoricalEntropyBackward(dgRows.View, dEntropy.View, dLogits.View, dPacked.View, d, rows, k));
        }

        // measured: 1.2e-16 for row sums and the log-softmax backward (summation order only)
        output.WriteLine($"row sums / log-softmax backward: largest relative difference {worstSums:E2}");
    }

    private void CheckAccumulate(double[] start, string context, Action<double[]> cpu, Action<ILGPU.ArrayView<double>> device)
    {
        var expected = (double[])start.Clone();
        cpu(expected);
        using var buffer = Device.Upload(start);
        device(buffer.View);
        TestData.AssertBitEqual(expected, Device.Download(buffer.View), context);
    }
}
