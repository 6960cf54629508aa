using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Gpu.Tests;

/// <summary>
/// The full-covariance MVN's and the triangular helpers' device kernels against <see cref="MvnKernels"/> and
/// <see cref="TriangularKernels"/>, with a shared and a per-row mean; L's upper triangle is NaN, so reading it would show.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class MvnKernelTests(IlgpuCpuFixture fixture)
{
    // (rows, d): size 1, odd sizes, more dimensions than rows and the other way round
    private static readonly (int Rows, int D)[] Shapes = [(1, 1), (1, 3), (5, 1), (3, 2), (7, 4), (2, 9), (33, 5)];

    private GpuDevice Device => fixture.Device;

    private DeviceKernels Kernels => fixture.Kernels;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LogProbEntropyAndTheirRules_RandomShapes_MatchCpuBits(bool sharedMean)
    {
        var rng = new Xoshiro256(sharedMean ? 41UL : 42UL);
        foreach (var (rows, d) in Shapes)
        {
            string context = $"rows={rows} d={d} sharedMean={sharedMean}";
            int n = rows * d;
            int meanLength = sharedMean ? d : n;
            var x = TestData.Random(rng, n, -3, 3);
            var mean = TestData.Random(rng, meanLength, -2, 2);
            var l = RandomFactor(rng, d);
            var g = TestData.Random(rng, rows);
            var gEntropy = TestData.Random(rng, 1);
            var gxStart = TestData.Random(rng, n);
            var gMeanStart = TestData.Random(rng, meanLength);
            var gLStart = TestData.Random(rng, d * d);
            using var dx = Device.Upload(x);
            using var dMean = Device.Upload(mean);
            using var dl = Device.Upload(l);
            using var dg = Device.Upload(g);
            using var dgEntropy = Device.Upload(gEntropy);
            using var dLogDet = Device.Allocate(1);
            using var dz = Device.Allocate(n);
            using var du = Device.Allocate(n);
            using var dRows = Device.Allocate(rows);

            double logDet = TriangularKernels.LogDiagonal(l, d);
            Kernels.LogDiagonal(dl.View, dLogDet.View, d);
            TestData.AssertBitEqual([logDet], Device.Download(dLogDet.View), "log-diagonal, " + context);

            var z = new double[n];
            var logProb = new double[rows];
            MvnKernels.LogProb(x, mean, l, z, logProb, d, sharedMean, logDet);
            Kernels.MvnLogProb(dx.View, dMean.View, dl.View, dz.View, dRows.View, rows, d, sharedMean, dLogDet.View);
            TestData.AssertBitEqual(z, Device.Download(dz.View), "log-prob's z, " + context);
            TestData.AssertBitEqual(logProb, Device.Download(dRows.View), "log-prob, " + context);

            if (!sharedMean)
            {
                // the distribution's form folds the constant first: other bits than the tape's, so compared on its own
                var rowsLogProb = new double[rows];
                MvnKernels.LogProbRows(x, mean, l, new double[d], rowsLogProb, d, logDet);
                Kernels.MvnLogProbRows(dx.View, dMean.View, dl.View, du.View, dRows.View, rows, d, dLogDet.View);
                TestData.AssertBitEqual(rowsLogProb, Device.Download(dRows.View), "log-prob rows, " + context);
            }

            var entropy = new double[rows];
            Array.Fill(entropy, MvnKernels.Entropy(d, logDet));
            Kernels.MvnEntropy(dLogDet.View, dRows.View, rows, d);
            TestData.AssertBitEqual(entropy, Device.Download(dRows.View), "entropy, " + context);

            // the log-density's rule into all three gradients at once, then into L's alone and x's alone (empty views skipped)
            var gx = (double[])gxStart.Clone();
            var gMean = (double[])gMeanStart.Clone();
            var gL = (double[])gLStart.Clone();
            MvnKernels.AccumulateLogProbBackward(g, l, z, new double[d], gx, gMean, gL, d, sharedMean);
            using var dgx = Device.Upload(gxStart);
            using var dgMean = Device.Upload(gMeanStart);
            using var dgL = Device.Upload(gLStart);
            Kernels.AccumulateMvnLogProbBackward(dg.View, dl.View, dz.View, du.View, dgx.View, dgMean.View, dgL.View, rows, d, sharedMean);
            TestData.AssertBitEqual(gx, Device.Download(dgx.View), "log-prob backward (x), " + context);
            TestData.AssertBitEqual(gMean, Device.Download(dgMean.View), "log-prob backward (mean), " + context);
            TestData.AssertBitEqual(gL, Device.Download(dgL.View), "log-prob backward (L), " + context);

            using var dgLOnly = Device.Upload(gLStart);
            Kernels.AccumulateMvnLogProbBackward(dg.View, dl.View, dz.View, du.View, default, default, dgLOnly.View, rows, d, sharedMean);
            TestData.AssertBitEqual(gL, Device.Download(dgLOnly.View), "log-prob backward into L only, " + context);
            using var dgxOnly = Device.Upload(gxStart);
            Kernels.AccumulateMvnLogProbBackward(dg.View, dl.View, dz.View, du.View, dgxOnly.View, default, default, rows, d, sharedMean);
            TestData.AssertBitEqual(gx, Device.Download(dgxOnly.View), "log-prob backward into x only, " + context);

            var entropyRule = (double[])gLStart.Clone();
            MvnKernels.AccumulateEntropyBackward(gEntropy[0], l, entropyRule, d);
            using var dEntropyRule = Device.Upload(gLStart);
            Kernels.AccumulateMvnEntropyBackward(dgEntropy.View, dl.View, dEntropyRule.View, d);
            TestData.AssertBitEqual(entropyRule, Device.Download(dEntropyRule.View), "entropy backward, " + context);
        }
    }

    [Fact]
    public void TriangularSolvesProductAndFactor_RandomShapes_MatchCpuBits()
    {
        var rng = new Xoshiro256(43UL);
        foreach (var (rows, d) in Shapes)
        {
            string context = $"rows={rows} d={d}";
            int n = rows * d;
            var l = RandomFactor(rng, d);
            var b = TestData.Random(rng, n, -2, 2);
            var shift = TestData.Random(rng, n, -2, 2);
            using var dl = Device.Upload(l);
            using var dShift = Device.Upload(shift);

            var forward = (double[])b.Clone();
            var backward = (double[])b.Clone();
            var product = (double[])b.Clone();
            for (int r = 0; r < rows; r++)
            {
                TriangularKernels.ForwardSubstitute(l, forward.AsSpan(r * d, d), d);
                TriangularKernels.BackSubstituteTransposed(l, backward.AsSpan(r * d, d), d);
                TriangularKernels.MultiplyAddInPlace(l, shift.AsSpan(r * d, d), product.AsSpan(r * d, d), d);
            }

            using var dForward = Device.Upload(b);
            Kernels.ForwardSubstituteRows(dl.View, dForward.View, rows, d);
            TestData.AssertBitEqual(forward, Device.Download(dForward.View), "forward substitution, " + context);
            using var dBackward = Device.Upload(b);
            Kernels.BackSubstituteTransposedRows(dl.View, dBackward.View, rows, d);
            TestData.AssertBitEqual(backward, Device.Download(dBackward.View), "transposed back substitution, " + context);
            using var dProduct = Device.Upload(b);
            Kernels.MultiplyAddRows(dl.View, dShift.View, dProduct.View, rows, d);
            TestData.AssertBitEqual(product, Device.Download(dProduct.View), "multiply-add, " + context);

            var raw = TestData.Random(rng, d * d, -2, 2);
            var factor = new double[d * d];
            TriangularKernels.LowerFromUnconstrained(raw, factor, d);
            using var dRaw = Device.Upload(raw);
            using var dFactor = Device.Upload(TestData.Random(rng, d * d));
            Kernels.LowerFromUnconstrained(dRaw.View, dFactor.View, d);
            TestData.AssertBitEqual(factor, Device.Download(dFactor.View), "lower from unconstrained, " + context);
        }
    }

    [Fact]
    public void ShortViews_AreRefusedWithTheView()
    {
        using var x = Device.Allocate(12);
        using var l = Device.Allocate(16);
        using var logDet = Device.Allocate(1);
        using var dst = Device.Allocate(3);
        using var rowScratch = Device.Allocate(4);

        // the CPU's LogProbRows takes d values of scratch; the device needs a row of scratch per thread
        var e = Assert.Throws<ArgumentException>(
            () => Kernels.MvnLogProbRows(x.View, x.View, l.View, rowScratch.View, dst.View, 3, 4, logDet.View));
        Assert.Contains("scratch", e.Message);
        Assert.Contains("needs 12", e.Message);

        // L's gradient is d x d even where only the lower triangle is written
        var factor = Assert.Throws<ArgumentException>(
            () => Kernels.AccumulateMvnLogProbBackward(dst.View, l.View, x.View, x.View, default, default, rowScratch.View, 3, 4, sharedMean: false));
        Assert.Contains("gL", factor.Message);
        Assert.Contains("needs 16", factor.Message);
    }

    // well conditioned: a diagonal in [0.5, 1.5], entries below it in [-0.4, 0.4], NaN above it (never read)
    private static double[] RandomFactor(Xoshiro256 rng, int d)
    {
        var l = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                l[i * d + j] = j < i ? (rng.NextDouble() - 0.5) * 0.8 : j == i ? 0.5 + rng.NextDouble() : double.NaN;
            }
        }

        return l;
    }
}
