using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Gpu.Tests;

/// <summary>The diagonal Gaussian's device kernels against <see cref="GaussianKernels"/>, with a shared and a per-row log-std.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class GaussianKernelTests(IlgpuCpuFixture fixture)
{
    // (rows, d): size 1, odd sizes, more dimensions than rows and the other way round
    private static readonly (int Rows, int D)[] Shapes = [(1, 1), (1, 3), (5, 1), (3, 2), (7, 5), (2, 9), (33, 4)];

    private GpuDevice Device => fixture.Device;

    private DeviceKernels Kernels => fixture.Kernels;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void LogProbEntropyAndTheirRules_RandomShapes_MatchCpuBits(bool shared)
    {
        var rng = new Xoshiro256(shared ? 31UL : 32UL);
        foreach (var (rows, d) in Shapes)
        {
            string context = $"rows={rows} d={d} shared={shared}";
            int n = rows * d;
            int stdRows = shared ? 1 : rows;
            var mean = TestData.Random(rng, n, -2, 2);
            var logStd = TestData.Random(rng, stdRows * d, -1.5, 0.5);
            var actions = TestData.Random(rng, n, -3, 3);
            var g = TestData.Random(rng, rows);
            var gEntropy = TestData.Random(rng, stdRows);
            var gMeanStart = TestData.Random(rng, n);
            var gLogStdStart = TestData.Random(rng, stdRows * d);
            using var dMean = Device.Upload(mean);
            using var dLogStd = Device.Upload(logStd);
            using var dActions = Device.Upload(actions);
            using var dg = Device.Upload(g);
            using var dgEntropy = Device.Upload(gEntropy);
            using var dRows = Device.Allocate(rows);

            var logProb = new double[rows];
            GaussianKernels.LogProb(mean, logStd, actions, logProb, d, shared);
            Kernels.GaussianLogProb(dMean.View, dLogStd.View, dActions.View, dRows.View, rows, d, shared);
            TestData.AssertBitEqual(logProb, Device.Download(dRows.View), "log-prob, " + context);

            var entropy = new double[stdRows];
            GaussianKernels.Entropy(logStd, entropy, d, shared: false);
            using var dEntropy = Device.Allocate(stdRows);
            Kernels.GaussianEntropy(dLogStd.View, dEntropy.View, stdRows, d);
            TestData.AssertBitEqual(entropy, Device.Download(dEntropy.View), "entropy, " + context);

            // the log-density's rule into both gradients at once, then each alone (an empty view is skipped)
            var gMean = (double[])gMeanStart.Clone();
            var gLogStd = (double[])gLogStdStart.Clone();
            GaussianKernels.AccumulateLogProbBackward(g, mean, logStd, actions, gMean, gLogStd, default, d, shared);
            using var dgMean = Device.Upload(gMeanStart);
            using var dgLogStd = Device.Upload(gLogStdStart);
            Kernels.AccumulateGaussianLogProbBackward(dg.View, dMean.View, dLogStd.View, dActions.View, dgMean.View, dgLogStd.View, rows, d, shared);
            TestData.AssertBitEqual(gMean, Device.Download(dgMean.View), "log-prob backward (mean), " + context);
            TestData.AssertBitEqual(gLogStd, Device.Download(dgLogStd.View), "log-prob backward (log-std), " + context);

            using var dMeanOnly = Device.Upload(gMeanStart);
            Kernels.AccumulateGaussianLogProbBackward(dg.View, dMean.View, dLogStd.View, dActions.View, dMeanOnly.View, default, rows, d, shared);
            TestData.AssertBitEqual(gMean, Device.Download(dMeanOnly.View), "log-prob backward into the mean only, " + context);

            var entropyRule = (double[])gLogStdStart.Clone();
            GaussianKernels.AccumulateEntropyBackward(gEntropy, entropyRule, d);
            using var dEntropyRule = Device.Upload(gLogStdStart);
            Kernels.AccumulateGaussianEntropyBackward(dgEntropy.View, dEntropyRule.View, stdRows, d);
            TestData.AssertBitEqual(entropyRule, Device.Download(dEntropyRule.View), "entropy backward, " + context);
        }
    }

    [Fact]
    public void ShortViews_AreRefusedWithTheShape()
    {
        using var mean = Device.Allocate(6);
        using var logStd = Device.Allocate(2);
        using var dst = Device.Allocate(3);
        // a per-row log-std needs rows x d elements
        var e = Assert.Throws<ArgumentException>(() => Kernels.GaussianLogProb(mean.View, logStd.View, mean.View, dst.View, 3, 2, shared: false));
        Assert.Contains("logStd", e.Message);
        Assert.Contains("needs 6", e.Message);
    }
}
