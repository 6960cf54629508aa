using Tensorless.Autodiff.Distributions;
using static Tensorless.Autodiff.Tests.Distributions.DistributionTestKit;

namespace Tensorless.Autodiff.Tests.Distributions;

public class MultivariateNormalTests
{
    private static readonly double[,] L3 = { { 1.5, 0, 0 }, { 0.4, 0.8, 0 }, { -0.7, 0.3, 1.2 } };

    [Fact]
    public void LogProb_DiagonalFactor_EqualsDiagonalGaussian()
    {
        double[] sigma = [0.5, 2.0, 1.5];
        var mean = Matrix(new double[,] { { 1.0, -2.0, 0.5 }, { 0.0, 0.3, -0.2 } });
        var factor = Matrix(new double[,] { { sigma[0], 0, 0 }, { 0, sigma[1], 0 }, { 0, 0, sigma[2] } });
        var mvn = new MultivariateNormal(mean, factor);
        var diag = new DiagonalGaussian(mean, Row(sigma.Select(s => Math.Log(s)).ToArray()));
        double[] x = [1.3, -1.0, 0.5, 0.4, -0.1, 0.0];
        double[] a = new double[2], b = new double[2];
        mvn.LogProb(x, a);
        diag.LogProb(x, b);
        var tapeA = mvn.LogProb(new Tape(), Tensor.FromValues(2, 3, x));
        for (int r = 0; r < 2; r++)
        {
            Near(b[r], a[r], 1e-13, "span");
            Near(b[r], tapeA.Data[r], 1e-13, "tape");
        }

        mvn.Entropy(a);
        diag.Entropy(b);
        Near(b[0], a[0], 1e-13, "entropy");
        Near(b[0], mvn.Entropy(new Tape()).Data[1], 1e-13, "tape entropy");
    }

    [Fact]
    public void LogProb_Full2x2_MatchesExplicitInverseAndDeterminant()
    {
        double[,] l = { { 2.0, 0.0 }, { 0.6, 1.5 } };
        double[] mu = [0.5, -1.0], x = [1.7, 0.2];

        // Sigma = L L^T = [[a, b], [b, c]]; det = ac - b^2; Sigma^-1 = [[c, -b], [-b, a]] / det
        double a = l[0, 0] * l[0, 0], b = l[1, 0] * l[0, 0], c = l[1, 0] * l[1, 0] + l[1, 1] * l[1, 1];
        double det = a * c - b * b;
        double e0 = x[0] - mu[0], e1 = x[1] - mu[1];
        double quad = (c * e0 * e0 - 2 * b * e0 * e1 + a * e1 * e1) / det;
        double expected = -0.5 * quad - 0.5 * Math.Log(det) - Math.Log(2 * Math.PI);

        var dist = new MultivariateNormal(Row(mu), Matrix(l));
        var lp = new double[1];
        dist.LogProb(x, lp);
        Near(9.0, det, 1e-12, "det = (2 * 1.5)^2");
        Near(expected, lp[0], 1e-13, "span");
        Near(expected, dist.LogProb(new Tape(), Row(x)).Data[0], 1e-13, "tape");
    }

    [Fact]
    public void LogProb_Full3x3_MatchesExplicitInverseAndDeterminant()
    {
        double[] mu = [0.2, -0.5, 1.0], x = [1.0, 0.4, -0.6];
        var s = Covariance(L3);

        // determinant by the rule of Sarrus, inverse by cofactors (adjugate / det)
        double det = s[0, 0] * s[1, 1] * s[2, 2] + s[0, 1] * s[1, 2] * s[2, 0] + s[0, 2] * s[1, 0] * s[2, 1]
            - s[0, 2] * s[1, 1] * s[2, 0] - s[0, 0] * s[1, 2] * s[2, 1] - s[0, 1] * s[1, 0] * s[2, 2];
        var inv = new double[3, 3];
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                // inv[i, j] = cofactor(j, i) / det, the cofactor taken from the 2x2 minor with cyclic indices
                int r0 = (j + 1) % 3, r1 = (j + 2) % 3, c0 = (i + 1) % 3, c1 = (i + 2) % 3;
                inv[i, j] = (s[r0, c0] * s[r1, c1] - s[r0, c1] * s[r1, c0]) / det;
            }
        }

        double quad = 0;
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                quad += (x[i] - mu[i]) * inv[i, j] * (x[j] - mu[j]);
            }
        }

        double expected = -0.5 * quad - 0.5 * Math.Log(det) - 1.5 * Math.Log(2 * Math.PI);
        Near(Math.Pow(1.5 * 0.8 * 1.2, 2), det, 1e-12, "det = prod(L_jj)^2");
        var dist = new MultivariateNormal(Row(mu), Matrix(L3));
        var lp = new double[1];
        dist.LogProb(x, lp);
        Near(expected, lp[0], 1e-12, "span");
        Near(expected, dist.LogProb(new Tape(), Row(x)).Data[0], 1e-12, "tape");

        // entropy = log det(2 pi e Sigma) / 2
        var h = new double[1];
        dist.Entropy(h);
        Near(0.5 * Math.Log(Math.Pow(2 * Math.PI * Math.E, 3) * det), h[0], 1e-12, "entropy");
    }

    [Fact]
    public void LogProb_SharedMean_ScoresAnyNumberOfRowsOnTheTape()
    {
        var dist = new MultivariateNormal(Row(0.2, -0.5, 1.0), Matrix(L3));
        var x = Matrix(new double[,] { { 1.0, 0.4, -0.6 }, { 0.2, -0.5, 1.0 } });
        var lp = dist.LogProb(new Tape(), x);
        var single = new double[1];
        dist.LogProb([1.0, 0.4, -0.6], single);
        Near(single[0], lp.Data[0], 1e-13, "row 0");
        dist.LogProb([0.2, -0.5, 1.0], single);
        Near(single[0], lp.Data[1], 1e-13, "row 1 (at the mean)");
    }

    [Fact]
    public void Sample_MeanAndCovariance_Converge()
    {
        // 200,000 draws; the sample covariance entry (i, j) has sd about sqrt((S_ii S_jj + S_ij^2) / N), 5 of them allowed
        const int rows = 1000, calls = 200, n = rows * calls;
        double[] mu = [0.2, -0.5, 1.0];
        var dist = new MultivariateNormal(Repeat(rows, mu), Matrix(L3));
        var rng = new Xoshiro256(31337);
        var buffer = new double[rows * 3];
        var sum = new double[3];
        var cross = new double[3, 3];
        for (int c = 0; c < calls; c++)
        {
            dist.Sample(rng, buffer);
            for (int r = 0; r < rows; r++)
            {
                for (int i = 0; i < 3; i++)
                {
                    sum[i] += buffer[r * 3 + i];
                    for (int j = 0; j < 3; j++)
                    {
                        cross[i, j] += buffer[r * 3 + i] * buffer[r * 3 + j];
                    }
                }
            }
        }

        var s = Covariance(L3);
        for (int i = 0; i < 3; i++)
        {
            Near(mu[i], sum[i] / n, 5 * Math.Sqrt(s[i, i] / n), $"mean {i}");
            for (int j = 0; j < 3; j++)
            {
                double cov = cross[i, j] / n - sum[i] / n * (sum[j] / n);
                Near(s[i, j], cov, 5 * Math.Sqrt((s[i, i] * s[j, j] + s[i, j] * s[i, j]) / n), $"cov ({i},{j})");
            }
        }
    }

    [Fact]
    public void Entropy_EqualsMinusExpectedLogProb_MonteCarlo()
    {
        const int rows = 500;
        var dist = new MultivariateNormal(Repeat(rows, 0.2, -0.5, 1.0), Matrix(L3));
        var rng = new Xoshiro256(99);
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

    [Fact]
    public void Mode_IsMean()
    {
        var mean = Matrix(new double[,] { { 0.1, 0.2, 0.3 }, { -0.3, 0.4, 0.5 } });
        var mode = new double[6];
        new MultivariateNormal(mean, Matrix(L3)).Mode(mode);
        Assert.Equal(mean.ToArray(), mode);
    }

    [Fact]
    public void CholeskyFactor_FromUnconstrained_ExponentiatesDiagonal_ZeroesUpper()
    {
        double[] raw = [0.5, 9.0, -9.0, 0.3, -1.0, 700.0, -0.2, 0.8, 0.0];
        var expected = new[] { Math.Exp(0.5), 0, 0, 0.3, Math.Exp(-1.0), 0, -0.2, 0.8, 1.0 };
        var span = new double[9];
        CholeskyFactor.FromUnconstrained(raw, span, 3);
        var tapeL = CholeskyFactor.FromUnconstrained(new Tape(), Tensor.FromValues(3, 3, raw));
        for (int i = 0; i < 9; i++)
        {
            Near(expected[i], span[i], 1e-15, $"span {i}");
            Near(expected[i], tapeL.Data[i], 1e-15, $"tape {i}");
        }
    }

    [Fact]
    public void CholeskyFactor_EntropyGradient_IsOneOnTheRawDiagonal()
    {
        // H = const + sum_j raw_jj when L_jj = exp(raw_jj), so dH/draw is the identity; off-diagonal entries do not move H
        var raw = Matrix(new double[,] { { 0.1, 2.0, 3.0 }, { 0.4, -0.3, 5.0 }, { -0.7, 0.3, 0.2 } }, requiresGrad: true);
        var tape = new Tape();
        var dist = new MultivariateNormal(new Tensor(1, 3), CholeskyFactor.FromUnconstrained(tape, raw));
        tape.Backward(tape.Sum(dist.Entropy(tape)));
        for (int i = 0; i < 3; i++)
        {
            for (int j = 0; j < 3; j++)
            {
                Near(i == j ? 1.0 : 0.0, raw.Grad[i * 3 + j], 1e-14, $"dH/draw[{i},{j}]");
            }
        }
    }

    private static double[,] Covariance(double[,] l)
    {
        int d = l.GetLength(0);
        var s = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                for (int k = 0; k < d; k++)
                {
                    s[i, j] += l[i, k] * l[j, k];
                }
            }
        }

        return s;
    }
}
