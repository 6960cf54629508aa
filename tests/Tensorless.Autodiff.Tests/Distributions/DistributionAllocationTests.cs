using Tensorless.Autodiff.Distributions;
using static Tensorless.Autodiff.Tests.Distributions.DistributionTestKit;

namespace Tensorless.Autodiff.Tests.Distributions;

public class DistributionAllocationTests
{
    [Fact]
    public void RolloutPath_BindSampleLogProbModeEntropy_AllocatesNothing()
    {
        var rng = new Xoshiro256(5);
        var logits = Repeat(16, 0.1, -0.2);
        var mean = Repeat(16, 0.0, 1.0, 2.0);
        var logStd = Row(-0.5, 0.0, 0.5);
        var factor = Matrix(new double[,] { { 1, 0, 0 }, { 0.2, 1, 0 }, { 0.1, -0.3, 0.5 } });
        var bigMean = new Tensor(2, 70);
        var bigFactor = new Tensor(70, 70);
        for (int j = 0; j < 70; j++)
        {
            bigFactor[j, j] = 1.0;
        }

        var categorical = new Categorical();
        var gaussian = new DiagonalGaussian();
        var mvn = new MultivariateNormal();
        var bigMvn = new MultivariateNormal();
        var discrete = new double[16];
        var continuous = new double[48];
        var big = new double[140];
        var lp = new double[16];

        void Step()
        {
            categorical.Bind(logits).Sample(rng, discrete);
            categorical.LogProb(discrete, lp);
            categorical.Mode(discrete);
            categorical.Entropy(lp);
            gaussian.Bind(mean, logStd).Sample(rng, continuous);
            gaussian.LogProb(continuous, lp);
            gaussian.Entropy(lp);
            mvn.Bind(mean, factor).Sample(rng, continuous);
            mvn.LogProb(continuous, lp);
            mvn.Mode(continuous);
            bigMvn.Bind(bigMean, bigFactor).Sample(rng, big);
            bigMvn.LogProb(big, lp.AsSpan(0, 2));
        }

        Assert.Equal(0, Tensorless.Tests.AllocationProbe.SteadyStateBytes(Step));
    }

    [Fact]
    public void UpdatePath_AfterWarmUp_AllocatesNothing()
    {
        var logits = new Tensor(32, 3, requiresGrad: true);
        var mean = new Tensor(32, 2, requiresGrad: true);
        var logStd = new Tensor(1, 2, requiresGrad: true);
        var raw = new Tensor(2, 2, requiresGrad: true);
        var discrete = new Tensor(32, 1);
        var continuous = new Tensor(32, 2);
        var tape = new Tape();
        var categorical = new Categorical();
        var gaussian = new DiagonalGaussian();
        var mvn = new MultivariateNormal();

        void Step()
        {
            tape.Reset();
            var a = tape.Mean(categorical.Bind(logits).LogProb(tape, discrete));
            var b = tape.Mean(categorical.Entropy(tape));
            var c = tape.Mean(gaussian.Bind(mean, logStd).LogProb(tape, continuous));
            var d = tape.Mean(gaussian.Entropy(tape));
            var e = tape.Mean(mvn.Bind(mean, CholeskyFactor.FromUnconstrained(tape, raw)).LogProb(tape, continuous));
            var f = tape.Mean(mvn.Entropy(tape));
            tape.Backward(tape.Add(tape.Add(tape.Add(a, b), tape.Add(c, d)), tape.Add(e, f)));
        }

        Assert.Equal(0, Tensorless.Tests.AllocationProbe.SteadyStateBytes(Step));
    }
}
