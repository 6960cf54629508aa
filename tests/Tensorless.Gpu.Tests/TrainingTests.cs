using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Autodiff.Optim;
using Xunit.Abstractions;

namespace Tensorless.Gpu.Tests;

/// <summary>PPO loss pieces, optimizer steps, the squared norm, global-norm clipping and GAE against the CPU kernels.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class TrainingTests(IlgpuCpuFixture fixture, ITestOutputHelper output)
{
    private static readonly int[] Lengths = [1, 2, 3, 5, 8, 13, 31];

    private GpuDevice Device => fixture.Device;

    private DeviceKernels Kernels => fixture.Kernels;

    [Fact]
    public void Losses_RandomColumns_MatchCpu()
    {
        var rng = new Xoshiro256(31);
        foreach (int n in Lengths)
        {
            string context = $"seed 31, n={n}";
            var logProb = TestData.Random(rng, n, -2, 0);
            var old = TestData.Random(rng, n, -2, 0);
            var adv = TestData.Random(rng, n, -2, 2);
            old[0] = logProb[0]; // ratio exactly 1: the tie rule
            using var dLogProb = Device.Upload(logProb);
            using var dOld = Device.Upload(old);
            using var dAdv = Device.Upload(adv);
            using var result = Device.Allocate(1);

            Kernels.ClippedSurrogate(dLogProb.View, dOld.View, dAdv.View, n, 0.2, result.View);
            TestData.AssertBitEqual([LossKernels.ClippedSurrogate(logProb, old, adv, 0.2)], Device.Download(result.View), "surrogate, " + context);

            var acc = TestData.Random(rng, n);
            var expected = (double[])acc.Clone();
            LossKernels.AccumulateClippedSurrogateBackward(0.7, logProb, old, adv, 0.2, expected);
            using (var dAcc = Device.Upload(acc))
            {
                Kernels.AccumulateClippedSurrogateBackward(0.7, dLogProb.View, dOld.View, dAdv.View, n, 0.2, dAcc.View);
                TestData.AssertBitEqual(expected, Device.Download(dAcc.View), "surrogate backward, " + context);
            }

            Kernels.Mse(dLogProb.View, dAdv.View, n, result.View);
            TestData.AssertBitEqual([LossKernels.Mse(logProb, adv)], Device.Download(result.View), "mse, " + context);

            var gPred = TestData.Random(rng, n);
            var gTarget = TestData.Random(rng, n);
            var ePred = (double[])gPred.Clone();
            var eTarget = (double[])gTarget.Clone();
            LossKernels.AccumulateMseBackward(1.3, logProb, adv, ePred, eTarget);
            using var dPred = Device.Upload(gPred);
            using var dTarget = Device.Upload(gTarget);
            Kernels.AccumulateMseBackward(1.3, dLogProb.View, dAdv.View, dPred.View, dTarget.View, n);
            TestData.AssertBitEqual(ePred, Device.Download(dPred.View), "mse backward (prediction), " + context);
            TestData.AssertBitEqual(eTarget, Device.Download(dTarget.View), "mse backward (target), " + context);

            // an empty gradient view is an input that needs no gradient
            Kernels.AccumulateMseBackward(1.3, dLogProb.View, dAdv.View, dPred.View, default, n);
            LossKernels.AccumulateMseBackward(1.3, logProb, adv, ePred, Span<double>.Empty);
            TestData.AssertBitEqual(ePred, Device.Download(dPred.View), "mse backward without target gradient, " + context);
        }
    }

    [Fact]
    public void Optimizers_SeveralSteps_BitIdenticalToCpu()
    {
        var rng = new Xoshiro256(32);
        double worstNorm = 0;
        foreach (int n in Lengths)
        {
            string context = $"seed 32, n={n}";
            var p = TestData.Random(rng, n);
            var m = new double[n];
            var v = new double[n];
            var s = new double[n];
            var buf = new double[n];
            var pRms = (double[])p.Clone();
            var pSgd = (double[])p.Clone();
            using var dp = Device.Upload(p);
            using var dm = Device.Upload(m);
            using var dv = Device.Upload(v);
            using var dpRms = Device.Upload(pRms);
            using var ds = Device.Upload(s);
            using var dpSgd = Device.Upload(pSgd);
            using var dBuf = Device.Upload(buf);
            using var result = Device.Allocate(1);
            for (int step = 1; step <= 3; step++)
            {
                var g = TestData.Random(rng, n);
                using var dg = Device.Upload(g);
                double bc1 = 1 - Math.Pow(0.9, step), bc2 = 1 - Math.Pow(0.999, step);
                OptimizerKernels.AdamStep(p, g, m, v, 3e-4, 0.9, 0.999, 1e-8, bc1, bc2, step == 2 ? 0.01 : 0.0);
                Kernels.AdamStep(dp.View, dg.View, dm.View, dv.View, n, 3e-4, 0.9, 0.999, 1e-8, bc1, bc2, step == 2 ? 0.01 : 0.0);
                OptimizerKernels.RmsPropStep(pRms, g, s, 7e-4, 0.99, 1e-5, 0.0);
                Kernels.RmsPropStep(dpRms.View, dg.View, ds.View, n, 7e-4, 0.99, 1e-5, 0.0);
                OptimizerKernels.SgdStep(pSgd, g, buf, new double[n], 0.1, 0.9, 0.1, false, 1e-3, step == 1);
                Kernels.SgdStep(dpSgd.View, dg.View, dBuf.View, n, 0.1, 0.9, 0.1, false, 1e-3, step == 1);

                Kernels.SquaredNorm(dg.View, n, result.View);
                worstNorm = Math.Max(worstNorm, TestData.AssertClose([OptimizerKernels.SquaredNorm(g)], Device.Download(result.View), 1e-12, $"squared norm, {context}, step {step}"));
            }

            TestData.AssertBitEqual(p, Device.Download(dp.View), "adam parameters, " + context);
            TestData.AssertBitEqual(m, Device.Download(dm.View), "adam first moment, " + context);
            TestData.AssertBitEqual(v, Device.Download(dv.View), "adam second moment, " + context);
            TestData.AssertBitEqual(pRms, Device.Download(dpRms.View), "rmsprop parameters, " + context);
            TestData.AssertBitEqual(s, Device.Download(ds.View), "rmsprop square average, " + context);
            TestData.AssertBitEqual(pSgd, Device.Download(dpSgd.View), "sgd parameters, " + context);
            TestData.AssertBitEqual(buf, Device.Download(dBuf.View), "sgd momentum, " + context);
        }

        // measured: 4.2e-16 (TensorPrimitives.Norm's lane order against the device's index order)
        output.WriteLine($"squared norm: largest relative difference {worstNorm:E2}");
    }

    [Theory]
    [InlineData(0.5)]  // clips: the gradients' norm is several times this
    [InlineData(1e6)]  // leaves them alone
    public void ClipByGlobalNorm_RandomParameters_MatchesGradientClipping(double maxNorm)
    {
        var rng = new Xoshiro256(33);
        // a network's shapes: weights, biases, a single log-std, a 1 x 1 bias
        (int Rows, int Cols)[] shapes = [(4, 8), (1, 8), (8, 3), (1, 3), (1, 1)];
        var parameters = shapes.Select((s, i) => new Parameter("p" + i, s.Rows, s.Cols)).ToArray();
        var buffers = new List<ILGPU.Runtime.MemoryBuffer1D<double, ILGPU.Stride1D.Dense>>();
        try
        {
            foreach (var p in parameters)
            {
                rng.FillUniform(p.Grad, -1, 1);
                buffers.Add(Device.Upload(p.Grad));
            }

            using var scratch = Device.Allocate(parameters.Length + 1);
            Kernels.ClipByGlobalNorm([.. buffers.Select(b => (ILGPU.ArrayView<double>)b.View)], maxNorm, scratch.View);
            double total = GradientClipping.ClipByGlobalNorm(parameters, maxNorm);

            double deviceTotal = Device.Download(scratch.View)[parameters.Length];
            TestData.AssertClose([total], [deviceTotal], 1e-12, $"total norm, maxNorm={maxNorm}");
            double worst = 0;
            for (int i = 0; i < parameters.Length; i++)
            {
                // the norm is summed in index order here and in TensorPrimitives' lanes on the CPU: the scale differs by rounding
                worst = Math.Max(worst, TestData.AssertClose(parameters[i].Grad, Device.Download(buffers[i].View), 1e-12, $"gradient {i}, maxNorm={maxNorm}"));
            }

            output.WriteLine($"maxNorm {maxNorm}: total {total:R}, largest relative gradient difference {worst:E2}");
            // clipped, the norm lands just under the limit (PyTorch's 1e-6); unclipped, it is unchanged
            double after = Math.Sqrt(buffers.Sum(b => Device.Download(b.View).Sum(x => x * x)));
            Assert.Equal(Math.Min(total, maxNorm), after, 5);
        }
        finally
        {
            buffers.ForEach(b => b.Dispose());
        }
    }

    [Fact]
    public void ClipByGlobalNorm_ANonPositiveLimitOrAShortScratch_IsRefused()
    {
        using var g = Device.Allocate(3);
        using var scratch = Device.Allocate(1);
        Assert.Contains("maxNorm", Assert.Throws<ArgumentException>(() => Kernels.ClipByGlobalNorm([g.View], 0.0, scratch.View)).Message);
        Assert.Contains("needs 2", Assert.Throws<ArgumentException>(() => Kernels.ClipByGlobalNorm([g.View], 1.0, scratch.View)).Message);
    }

    [Theory]
    [InlineData(1, 1, 0.99, 0.95)]
    [InlineData(7, 3, 0.99, 0.95)]
    [InlineData(16, 5, 0.9, 1.0)]
    [InlineData(5, 9, 0.97, 0.0)]
    public void Gae_RandomRollout_BitIdenticalToCpuRows(int steps, int n, double gamma, double lambda)
    {
        var rng = new Xoshiro256((ulong)(steps * 100 + n));
        string context = $"seed {steps * 100 + n}, steps={steps} n={n} gamma={gamma} lambda={lambda}";
        int size = steps * n;
        var rewards = TestData.Random(rng, size);
        var values = TestData.Random(rng, size);
        var truncationValues = TestData.Random(rng, size);
        var lastValues = TestData.Random(rng, n);
        var terminated = TestData.Flags(rng, size, 0.15);
        var truncated = TestData.Flags(rng, size, 0.1);
        double gammaLambda = gamma * lambda;
        var advantages = new double[size];
        var returns = new double[size];
        for (int t = steps - 1; t >= 0; t--)
        {
            int row = t * n;
            bool last = t == steps - 1;
            AdvantageKernels.GaeRowReference(
                rewards.AsSpan(row, n), values.AsSpan(row, n), last ? lastValues : values.AsSpan(row + n, n),
                truncationValues.AsSpan(row, n), terminated.AsSpan(row, n), truncated.AsSpan(row, n),
                last ? ReadOnlySpan<double>.Empty : advantages.AsSpan(row + n, n), gamma, gammaLambda,
                advantages.AsSpan(row, n), returns.AsSpan(row, n));
        }

        using var dRewards = Device.Upload(rewards);
        using var dValues = Device.Upload(values);
        using var dTruncationValues = Device.Upload(truncationValues);
        using var dLast = Device.Upload(lastValues);
        using var dTerm = Device.UploadFlags(terminated);
        using var dTrunc = Device.UploadFlags(truncated);
        using var dAdv = Device.Allocate(size);
        using var dRet = Device.Allocate(size);
        Kernels.Gae(dRewards.View, dValues.View, dTerm.View, dTrunc.View, dTruncationValues.View, dLast.View, steps, n, gamma, gammaLambda, dAdv.View, dRet.View);
        TestData.AssertBitEqual(advantages, Device.Download(dAdv.View), "GAE advantages, " + context);
        TestData.AssertBitEqual(returns, Device.Download(dRet.View), "GAE returns, " + context);
    }
}
