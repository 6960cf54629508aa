using Tensorless.Autodiff.Distributions;
using static Tensorless.Autodiff.Tests.Distributions.DistributionTestKit;

namespace Tensorless.Autodiff.Tests.Distributions;

public class DiagonalGaussianTests
{
    [Fact]
    public void LogProb_StandardNormalAtZero_IsMinusHalfLog2Pi()
    {
        var dist = new DiagonalGaussian(Row(0.0), Row(0.0));
        var lp = new double[1];
        dist.LogProb([0.0], lp);
        Near(-0.5 * Math.Log(2 * Math.PI), lp[0], 1e-15, "log N(0; 0, 1)");
        Near(-0.5 * Math.Log(2 * Math.PI), dist.LogProb(new Tape(), Row(0.0)).Data[0], 1e-15, "tape");
    }

    [Fact]
    public void LogProb_ThreeDims_MatchesProductOfDensities()
    {
        double[] mu = [1.0, -2.0, 0.5], sigma = [0.5, 2.0, 1.5], x = [1.3, -1.0, 0.5];
        var dist = new DiagonalGaussian(Row(mu), Row(sigma.Select(s => Math.Log(s)).ToArray()));

        // the density of independent coordinates is the product of 1/(sigma sqrt(2 pi)) exp(-(x - mu)^2 / (2 sigma^2))
        double density = 1;
        for (int j = 0; j < 3; j++)
        {
            density *= Math.Exp(-(x[j] - mu[j]) * (x[j] - mu[j]) / (2 * sigma[j] * sigma[j])) / (sigma[j] * Math.Sqrt(2 * Math.PI));
        }

        var lp = new double[1];
        dist.LogProb(x, lp);
        Near(Math.Log(density), lp[0], 1e-13, "span");
        Near(Math.Log(density), dist.LogProb(new Tape(), Row(x)).Data[0], 1e-13, "tape");
    }

    [Fact]
    public void Entropy_MatchesHalfLogOf2PiESigmaSquared()
    {
        double[] sigma = [0.5, 2.0, 1.5];
        var dist = new DiagonalGaussian(Repeat(4, 0, 0, 0), Row(sigma.Select(s => Math.Log(s)).ToArray()));
        double expected = sigma.Sum(s => 0.5 * Math.Log(2 * Math.PI * Math.E * s * s));
        var h = new double[4];
        dist.Entropy(h);
        var tapeH = dist.Entropy(new Tape());
        Assert.Equal(4, tapeH.Rows);
        for (int r = 0; r < 4; r++)
        {
            Near(expected, h[r], 1e-13, "span");
            Near(expected, tapeH.Data[r], 1e-13, "tape");
        }
    }

    [Fact]
    public void SharedAndPerRowLogStd_GiveSameValues()
    {
        var mean = Matrix(new double[,] { { 0.1, 0.2 }, { -0.3, 0.4 }, { 0.0, 1.0 } });
        var shared = new DiagonalGaussian(mean, Row(-0.5, 0.3));
        var perRow = new DiagonalGaussian(mean, Repeat(3, -0.5, 0.3));
        double[] x = [0.5, 0.5, -1.0, 0.0, 0.2, 0.9];
        double[] a = new double[3], b = new double[3];
        shared.LogProb(x, a);
        perRow.LogProb(x, b);
        Assert.Equal(a, b);
        shared.Entropy(a);
        perRow.Entropy(b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Entropy_SharedLogStd_GradientSumsOverBatch()
    {
        // mean over rows of an entropy that every row shares: d/dlogStd_j of (1/m) sum_i H = 1
        var logStd = Matrix(new double[,] { { -0.5, 0.3 } }, requiresGrad: true);
        var dist = new DiagonalGaussian(new Tensor(5, 2), logStd);
        var tape = new Tape();
        tape.Backward(tape.Mean(dist.Entropy(tape)));
        Near(1.0, logStd.Grad[0], 1e-14, "grad 0");
        Near(1.0, logStd.Grad[1], 1e-14, "grad 1");
    }

    [Fact]
    public void Mode_IsMean()
    {
        var mean = Matrix(new double[,] { { 0.1, 0.2 }, { -0.3, 0.4 } });
        var mode = new double[4];
        new DiagonalGaussian(mean, Row(1.0, 1.0)).Mode(mode);
        Assert.Equal(mean.ToArray(), mode);
    }

    [Fact]
    public void Sample_MeanAndVariance_Converge()
    {
        // 200,000 draws per coordinate: the sample mean has sd sigma / sqrt(N) and the sample variance about
        // sigma^2 sqrt(2 / N); both must land within 5 of those standard deviations
        const int rows = 1000, calls = 200, n = rows * calls;
        double[] mu = [1.0, -2.0], sigma = [0.5, 3.0];
        var dist = new DiagonalGaussian(Repeat(rows, mu), Row(sigma.Select(s => Math.Log(s)).ToArray()));
        var rng = new Xoshiro256(77);
        var buffer = new double[rows * 2];
        double[] sum = new double[2], sumSq = new double[2];
        for (int c = 0; c < calls; c++)
        {
            dist.Sample(rng, buffer);
            for (int i = 0; i < buffer.Length; i++)
            {
                sum[i % 2] += buffer[i];
                sumSq[i % 2] += buffer[i] * buffer[i];
            }
        }

        for (int j = 0; j < 2; j++)
        {
            double mean = sum[j] / n;
            double variance = sumSq[j] / n - mean * mean;
            Near(mu[j], mean, 5 * sigma[j] / Math.Sqrt(n), $"mean {j}");
            Near(sigma[j] * sigma[j], variance, 5 * sigma[j] * sigma[j] * Math.Sqrt(2.0 / n), $"variance {j}");
        }
    }

    [Fact]
    public void Entropy_EqualsMinusExpectedLogProb_MonteCarlo()
    {
        // -log p is (d/2) log(2 pi) + sum log sigma + chi2_d / 2, whose sd is sqrt(d / 2); 100,000 draws, 5 standard errors
        const int rows = 500;
        var dist = new DiagonalGaussian(Repeat(rows, 0.3, -1.0, 2.0), Row(-0.7, 0.2, 0.9));
        var rng = new Xoshiro256(4242);
        var actions = new double[rows * 3];
        var lp = new double[rows];
        var negLogP = new double[rows * 200];
        for (int c = 0; c < 200; c++)
        {
            dist.Sample(rng, actions);
            dist.LogProb(actions, lp);
            for (int i = 0; i < rows; i++)
            {
                negLogP[c * rows + i] = -lp[i];
            }
        }

        var (mean, se) = MeanAndError(negLogP);
        var h = new double[rows];
        dist.Entropy(h);
        Near(h[0], mean, 5 * se, "Monte Carlo entropy");
    }
}
