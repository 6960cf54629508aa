using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Gpu.Tests;

/// <summary>
/// The batched GEMM, bias add and bias gradient (one product per member of a population) against the CPU kernels run on
/// each member's slice alone: the same bits, for the tiled and the barrier-free GEMM.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class BatchedGemmTests(IlgpuCpuFixture fixture)
{
    // batch 1 and odd batches; shapes from GemmTests' list that reach the skinny path, k > 256 and k = 0
    private static readonly (int Batch, int M, int K, int N)[] Shapes =
    [
        (1, 3, 7, 5), (3, 1, 1, 1), (5, 3, 7, 5), (2, 7, 19, 3), (4, 6, 300, 5), (3, 9, 17, 1), (2, 5, 0, 6), (7, 4, 16, 4),
    ];

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BatchedGemm_AllLayouts_EachMemberBitIdenticalToCpu(bool tiled)
    {
        var kernels = tiled ? new DeviceKernels(fixture.Device, tiledGemm: true) : fixture.Kernels;
        var rng = new Xoshiro256(tiled ? 15UL : 16UL);
        foreach (var (batch, m, k, n) in Shapes)
        {
            foreach (bool accumulate in new[] { false, true })
            {
                for (int layout = 0; layout < 3; layout++)
                {
                    Check(kernels, rng, layout, batch, m, k, n, accumulate, $"tiled={tiled}, layout {layout}, batch={batch} m={m} k={k} n={n}, accumulate={accumulate}");
                }
            }
        }
    }

    [Fact]
    public void BatchedBiasAddAndColumnSums_EachMemberBitIdenticalToCpu()
    {
        var device = fixture.Device;
        var rng = new Xoshiro256(17);
        foreach (var (batch, rows, cols) in new[] { (1, 3, 4), (3, 1, 1), (4, 5, 3), (6, 2, 7) })
        {
            string context = $"batch={batch} rows={rows} cols={cols}";
            var x = TestData.Random(rng, batch * rows * cols);
            var bias = TestData.Random(rng, batch * cols);
            var acc = TestData.Random(rng, batch * cols);
            var expectedSum = new double[x.Length];
            var expectedAcc = (double[])acc.Clone();
            for (int b = 0; b < batch; b++)
            {
                var block = x.AsSpan(b * rows * cols, rows * cols);
                ElementwiseKernels.AddRowToEachRow(block, bias.AsSpan(b * cols, cols), expectedSum.AsSpan(b * rows * cols, rows * cols), rows);
                ReductionKernels.AccumulateColumnSums(block, expectedAcc.AsSpan(b * cols, cols), rows, cols);
            }

            using var dx = device.Upload(x);
            using var dBias = device.Upload(bias);
            using var dAcc = device.Upload(acc);
            using var dSum = device.Allocate(x.Length);
            fixture.Kernels.BatchedAddRowToEachRow(dx.View, dBias.View, dSum.View, batch, rows, cols);
            fixture.Kernels.BatchedAccumulateColumnSums(dx.View, dAcc.View, batch, rows, cols);
            TestData.AssertBitEqual(expectedSum, device.Download(dSum.View), "bias add, " + context);
            TestData.AssertBitEqual(expectedAcc, device.Download(dAcc.View), "column sums, " + context);
        }
    }

    [Fact]
    public void BatchedGemm_ShortViewOrOversizedBatch_ThrowsNamingTheShape()
    {
        using var a = fixture.Device.Allocate(12);
        var e = Assert.Throws<ArgumentException>(() => fixture.Kernels.BatchedMatMul(a.View, a.View, a.View, 3, 2, 3, 2));
        Assert.Contains("batch=3, m=2, k=3, n=2", e.Message);
        var big = Assert.Throws<ArgumentException>(() => fixture.Kernels.BatchedMatMulTransposeB(a.View, a.View, a.View, 1 << 20, 64, 64, 64));
        Assert.Contains("split the batch", big.Message);
    }

    private static void Check(DeviceKernels kernels, Xoshiro256 rng, int layout, int batch, int m, int k, int n, bool accumulate, string context)
    {
        var device = kernels.Device;
        var a = TestData.Random(rng, batch * m * k);
        var b = TestData.Random(rng, batch * k * n);
        var c = TestData.Random(rng, batch * m * n);
        var expected = (double[])c.Clone();
        for (int i = 0; i < batch; i++)
        {
            var ai = a.AsSpan(i * m * k, m * k);
            var bi = b.AsSpan(i * k * n, k * n);
            var ci = expected.AsSpan(i * m * n, m * n);
            switch (layout)
            {
                case 0: Gemm.MatMul(ai, bi, ci, m, k, n, accumulate); break;
                case 1: Gemm.MatMulTransposeA(ai, bi, ci, m, k, n, accumulate); break;
                default: Gemm.MatMulTransposeB(ai, bi, ci, m, k, n, accumulate); break;
            }
        }

        using var da = device.Upload(a);
        using var db = device.Upload(b);
        using var dc = device.Upload(c);
        switch (layout)
        {
            case 0: kernels.BatchedMatMul(da.View, db.View, dc.View, batch, m, k, n, accumulate); break;
            case 1: kernels.BatchedMatMulTransposeA(da.View, db.View, dc.View, batch, m, k, n, accumulate); break;
            default: kernels.BatchedMatMulTransposeB(da.View, db.View, dc.View, batch, m, k, n, accumulate); break;
        }

        TestData.AssertBitEqual(expected, device.Download(dc.View), context);
    }
}
