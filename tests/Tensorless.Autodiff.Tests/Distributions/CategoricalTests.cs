using FsCheck.Fluent;
using Tensorless.Autodiff.Distributions;
using Tensorless.Tests;
using static Tensorless.Autodiff.Tests.Distributions.DistributionTestKit;

namespace Tensorless.Autodiff.Tests.Distributions;

public class CategoricalTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    public void Entropy_UniformLogits_IsLogN(int n)
    {
        var logits = Repeat(3, Enumerable.Repeat(0.7, n).ToArray());
        var dist = new Categorical(logits);
        var h = new double[3];
        dist.Entropy(h);
        var tapeH = dist.Entropy(new Tape());
        for (int r = 0; r < 3; r++)
        {
            Near(Math.Log(n), h[r], 1e-12, "span entropy");
            Near(Math.Log(n), tapeH.Data[r], 1e-12, "tape entropy");
        }
    }

    [Fact]
    public void LogProb_MatchesLogSoftmaxByHand()
    {
        double[,] l = { { 1.0, 2.0, 3.0 }, { 0.5, -1.0, 2.0 } };
        var dist = new Categorical(Matrix(l));
        double[] actions = [2, 1];
        var lp = new double[2];
        dist.LogProb(actions, lp);
        var tapeLp = dist.LogProb(new Tape(), Column(actions));

        // log p = l_a - log(sum_j exp(l_j)), summed naively: these logits are small enough not to need the max shift
        double row0 = 3.0 - Math.Log(Math.Exp(1.0) + Math.Exp(2.0) + Math.Exp(3.0));
        double row1 = -1.0 - Math.Log(Math.Exp(0.5) + Math.Exp(-1.0) + Math.Exp(2.0));
        Near(row0, lp[0], 1e-13, "row 0");
        Near(row1, lp[1], 1e-13, "row 1");
        Near(row0, tapeLp.Data[0], 1e-13, "tape row 0");
        Near(row1, tapeLp.Data[1], 1e-13, "tape row 1");
    }

    [Fact]
    public void Entropy_MatchesDefinitionByHand()
    {
        var dist = new Categorical(Row(0.3, -1.2, 2.5, 0.0));
        double z = Math.Exp(0.3) + Math.Exp(-1.2) + Math.Exp(2.5) + Math.Exp(0.0);
        double expected = 0;
        foreach (double v in new[] { 0.3, -1.2, 2.5, 0.0 })
        {
            double p = Math.Exp(v) / z;
            expected -= p * Math.Log(p);
        }

        var h = new double[1];
        dist.Entropy(h);
        Near(expected, h[0], 1e-13, "entropy");
        var probs = new double[4];
        dist.Probabilities(probs);
        Near(Math.Exp(2.5) / z, probs[2], 1e-14, "p[2]");
    }

    [Fact]
    public void LogProb_LargeLogits_StaysFinite()
    {
        // naive softmax overflows at exp(1000); the max shift must keep this exact: log p = -log(1 + e^-1)
        var dist = new Categorical(Row(1000.0, 999.0));
        var lp = new double[1];
        dist.LogProb([0.0], lp);
        Near(-Math.Log(1 + Math.Exp(-1.0)), lp[0], 1e-12, "log p");
    }

    [Fact]
    public void MaskedCategory_HasProbabilityZero_AndIsNeverSampled()
    {
        var dist = new Categorical(Repeat(500, 0.0, double.NegativeInfinity, 0.0));
        var actions = new double[500];
        dist.Sample(new Xoshiro256(3), actions);
        Assert.DoesNotContain(1.0, actions);
        Assert.Contains(0.0, actions);
        Assert.Contains(2.0, actions);
        var h = new double[500];
        dist.Entropy(h);
        Near(Math.Log(2), h[0], 1e-13, "entropy with a masked category");
        var lp = new double[500];
        var ones = new double[500];
        ones.AsSpan().Fill(1.0);
        dist.LogProb(ones, lp);
        Assert.Equal(double.NegativeInfinity, lp[0]);
    }

    [Fact]
    public void Mode_IsArgmax_FirstOnTies()
    {
        var dist = new Categorical(Matrix(new double[,] { { 1, 3, 3 }, { 5, 5, 1 }, { 0, -1, -2 }, { -4, -3, 7 } }));
        var mode = new double[4];
        dist.Mode(mode);
        Assert.Equal([1.0, 0.0, 0.0, 2.0], mode);
    }

    [Fact]
    public void Sample_Frequencies_MatchProbabilities_ChiSquare()
    {
        // 200 calls x 1000 rows = 200,000 draws from softmax([0, 1, -1, 2]) with a fixed seed. Under the null hypothesis the
        // statistic is chi-square with 3 degrees of freedom, whose 99.9% quantile is 16.27: a correct sampler fails this
        // for one seed in a thousand, while moving 2% of the probability from one category to another adds well over 16.
        double[] logits = [0.0, 1.0, -1.0, 2.0];
        var dist = new Categorical(Repeat(1000, logits));
        var rng = new Xoshiro256(12345);
        var counts = new long[4];
        var actions = new double[1000];
        for (int call = 0; call < 200; call++)
        {
            dist.Sample(rng, actions);
            foreach (double a in actions)
            {
                counts[(int)a]++;
            }
        }

        double z = logits.Sum(v => Math.Exp(v));
        double n = 200_000, chi2 = 0;
        for (int j = 0; j < 4; j++)
        {
            double expected = n * Math.Exp(logits[j]) / z;
            chi2 += (counts[j] - expected) * (counts[j] - expected) / expected;
        }

        Assert.True(chi2 < 16.27, $"chi-square {chi2:F2} over 3 dof >= 16.27; counts {string.Join(", ", counts)}");
    }

    [Fact]
    public void Sample_SameSeed_SameActions()
    {
        var dist = new Categorical(Repeat(64, 0.1, 0.2, 0.3));
        double[] a = new double[64], b = new double[64];
        dist.Sample(new Xoshiro256(9), a);
        dist.Sample(new Xoshiro256(9), b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void Entropy_EqualsMinusExpectedLogProb_MonteCarlo()
    {
        // H = -E[log p(a)]; with N = 200,000 draws the sample mean of -log p has standard error sd/sqrt(N) (about 0.002
        // here), and the test allows 5 standard errors
        var dist = new Categorical(Repeat(1000, 0.4, -0.3, 1.1, 0.0, -2.0));
        var rng = new Xoshiro256(2024);
        var actions = new double[1000];
        var lp = new double[1000];
        var negLogP = new double[200_000];
        for (int call = 0; call < 200; call++)
        {
            dist.Sample(rng, actions);
            dist.LogProb(actions, lp);
            for (int i = 0; i < 1000; i++)
            {
                negLogP[call * 1000 + i] = -lp[i];
            }
        }

        var (mean, se) = MeanAndError(negLogP);
        var h = new double[1000];
        dist.Entropy(h);
        Near(h[0], mean, 5 * se, "Monte Carlo entropy");
    }

    [Fact]
    public void TapeLogProb_Backward_GivesIndicatorMinusSoftmax()
    {
        var logits = Matrix(new double[,] { { 0.2, -0.4, 1.0 } }, requiresGrad: true);
        var tape = new Tape();
        var dist = new Categorical(logits);
        tape.Backward(tape.Sum(dist.LogProb(tape, Column(1.0))));
        var p = new double[3];
        dist.Probabilities(p);
        Near(-p[0], logits.Grad[0], 1e-13, "d/dl0");
        Near(1 - p[1], logits.Grad[1], 1e-13, "d/dl1");
        Near(-p[2], logits.Grad[2], 1e-13, "d/dl2");
    }

    [Fact]
    public void Property_ProbabilitiesSumToOne_EntropyInRange_TapeMatchesSpan()
    {
        var gen = from m in Gen.Choose(1, 6)
                  from k in Gen.Choose(1, 9)
                  from seed in Gen.Choose(0, int.MaxValue)
                  select (m, k, (ulong)seed);
        SeededProperty.ForAll(gen, c =>
        {
            var rng = new Xoshiro256(c.Item3);
            var logits = new Tensor(c.m, c.k);
            rng.FillUniform(logits.Data, -8, 8);
            var dist = new Categorical(logits);
            var actions = new double[c.m];
            var lp = new double[c.m];
            var total = new double[c.m];
            for (int a = 0; a < c.k; a++)
            {
                Array.Fill(actions, a);
                dist.LogProb(actions, lp);
                for (int r = 0; r < c.m; r++)
                {
                    total[r] += Math.Exp(lp[r]);
                }
            }

            var h = new double[c.m];
            dist.Entropy(h);
            dist.Sample(rng, actions);
            dist.LogProb(actions, lp);
            var tapeLp = dist.LogProb(new Tape(), Tensor.FromValues(c.m, 1, actions));
            for (int r = 0; r < c.m; r++)
            {
                Near(1.0, total[r], 1e-12, "sum of probabilities");
                Assert.InRange(h[r], -1e-12, Math.Log(c.k) + 1e-12);
                Assert.Equal(lp[r], tapeLp.Data[r], 1e-12);
                Assert.InRange(actions[r], 0, c.k - 1);
            }
        });
    }
}
