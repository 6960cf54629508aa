using Tensorless.Autodiff.Kernels;
using Tensorless.Autodiff.Nn;

namespace Tensorless.Autodiff.Tests.Kernels;

/// <summary>
/// The distributions' Fisher-vector products against explicit Fisher matrices built another way: the categorical's as
/// <c>E_a[s s^T]</c> with the score <c>s = e_a - p</c> enumerated over categories, the Gaussian's from its closed form,
/// and the multivariate normal's from <c>(1/2) tr(Sigma^-1 dSigma_i Sigma^-1 dSigma_j)</c> with an explicit inverse;
/// then the MVN's exact product through a small network (forward-mode J v, kernel, backward J^T) against
/// <c>mean_r J_r^T M J_r</c> with every J_r row from its own reverse-mode pass.
/// </summary>
public class FisherKernelsTests
{
    private const double Tolerance = 1e-9;

    [Theory]
    [InlineData(2, 1)]
    [InlineData(3, 4)]
    [InlineData(7, 3)]
    public void CategoricalFisherVector_MatchesExpectedOuterProductOfScores(int k, int rows)
    {
        var rng = new Xoshiro256(21);
        var logits = Random(rng, rows * k, 2.0);
        var v = Random(rng, rows * k, 1.0);
        var dst = new double[rows * k];
        FisherKernels.CategoricalFisherVector(logits, v, dst, k);
        for (int r = 0; r < rows; r++)
        {
            var p = Softmax(logits.AsSpan(r * k, k));
            var m = new double[k, k];
            for (int a = 0; a < k; a++)
            {
                for (int i = 0; i < k; i++)
                {
                    for (int j = 0; j < k; j++)
                    {
                        m[i, j] += p[a] * ((i == a ? 1 : 0) - p[i]) * ((j == a ? 1 : 0) - p[j]);
                    }
                }
            }

            AssertRelClose(Multiply(m, v.AsSpan(r * k, k)), dst.AsSpan(r * k, k).ToArray());
        }
    }

    [Fact]
    public void GaussianFisherVector_MatchesClosedFormBlocks()
    {
        var rng = new Xoshiro256(22);
        int d = 3, rows = 4;
        var logStd = Random(rng, d, 0.7);
        var vMean = Random(rng, rows * d, 1.0);
        var vLogStd = Random(rng, d, 1.0);
        var dstMean = new double[rows * d];
        var dstLogStd = new double[d];
        FisherKernels.GaussianFisherVector(logStd, vMean, vLogStd, dstMean, dstLogStd, d);
        for (int i = 0; i < rows * d; i++)
        {
            double sigma = Math.Exp(logStd[i % d]);
            Assert.Equal(vMean[i] / (sigma * sigma), dstMean[i], 1e-12);
        }

        for (int j = 0; j < d; j++)
        {
            Assert.Equal(2 * vLogStd[j], dstLogStd[j], 1e-12);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public void MvnFisherVector_MatchesTraceFormulaWithExplicitInverse(int d)
    {
        var rng = new Xoshiro256(23 + (ulong)d);
        var l = LowerFactor(rng, d);
        var vMean = Random(rng, d, 1.0);
        var vFactor = Lower(Random(rng, d * d, 1.0), d);
        var dstMean = new double[d];
        var dstFactor = new double[d * d];
        FisherKernels.MvnFisherVector(l, vMean, vFactor, dstMean, dstFactor, new double[2 * d * d], d);
        var (mMean, mFactor) = ExplicitMvnFisher(l, d);
        AssertRelClose(Multiply(mMean, vMean), dstMean);
        AssertRelClose(Multiply(mFactor, vFactor), dstFactor);
    }

    [Fact]
    public void MvnFisherVector_OneDimension_IsTwoOverSigmaSquaredOnTheFactor()
    {
        var dstMean = new double[1];
        var dstFactor = new double[1];
        FisherKernels.MvnFisherVector([1.5], [0.3], [0.7], dstMean, dstFactor, new double[2], 1);
        Assert.Equal(0.3 / 2.25, dstMean[0], 1e-14);
        Assert.Equal(2 * 0.7 / 2.25, dstFactor[0], 1e-14);
    }

    [Fact]
    public void MvnFisherVector_ThroughSmallNetwork_MatchesExplicitFisherMatrix()
    {
        // theta = (Mlp weights producing the mean, the d x d factor L itself); F = mean_r J_r^T M J_r
        const int d = 3, rows = 5, inputs = 4;
        var rng = new Xoshiro256(24);
        var mlp = new Mlp("mean", [inputs, 6, d], Activation.Tanh, rng);
        var l = LowerFactor(rng, d);
        var x = Random(rng, rows * inputs, 1.0);
        int nNet = mlp.Parameters.TotalLength, n = nNet + d * d;
        var v = Random(rng, n, 1.0);
        Lower(v.AsSpan(nNet)).CopyTo(v.AsSpan(nNet));

        // exact product: J v forward, u = M (J v), J^T u backward
        var tape = new Tape();
        var head = mlp.ForwardWithTangent(tape, tape.Constant(x, rows, inputs), v.AsSpan(0, nNet), out var jv);
        var uMean = tape.Workspace.Allocate(rows, d);
        var uFactor = new double[d * d];
        var scratch = new double[2 * d * d];
        for (int r = 0; r < rows; r++)
        {
            FisherKernels.MvnFisherVector(l, jv.Data.Slice(r * d, d), v.AsSpan(nNet), uMean.Data.Slice(r * d, d), uFactor, scratch, d);
        }

        mlp.Parameters.ZeroGrad();
        tape.Backward(tape.Scale(tape.Sum(tape.Mul(head, uMean)), 1.0 / rows));
        var fv = new double[n];
        mlp.Parameters.CopyGradsTo(fv.AsSpan(0, nNet));
        uFactor.CopyTo(fv.AsSpan(nNet));

        // explicit matrix: each row of J_r by reverse mode, the factor block of J_r the identity
        var (mMean, mFactor) = ExplicitMvnFisher(l, d);
        var f = new double[n, n];
        for (int r = 0; r < rows; r++)
        {
            var j = new double[d, nNet];
            for (int o = 0; o < d; o++)
            {
                var t = new Tape();
                var y = mlp.Forward(t, t.Constant(x.AsSpan(r * inputs, inputs), 1, inputs));
                var pick = t.Workspace.Allocate(1, d);
                pick.Data[o] = 1;
                mlp.Parameters.ZeroGrad();
                t.Backward(t.Sum(t.Mul(y, pick)));
                var grad = new double[nNet];
                mlp.Parameters.CopyGradsTo(grad);
                for (int p = 0; p < nNet; p++)
                {
                    j[o, p] = grad[p];
                }
            }

            for (int a = 0; a < nNet; a++)
            {
                for (int b = 0; b < nNet; b++)
                {
                    double s = 0;
                    for (int o1 = 0; o1 < d; o1++)
                    {
                        for (int o2 = 0; o2 < d; o2++)
                        {
                            s += j[o1, a] * mMean[o1, o2] * j[o2, b];
                        }
                    }

                    f[a, b] += s / rows;
                }
            }
        }

        for (int a = 0; a < d * d; a++)
        {
            for (int b = 0; b < d * d; b++)
            {
                f[nNet + a, nNet + b] = mFactor[a, b];
            }
        }

        AssertRelClose(Multiply(f, v), fv);
    }

    [Fact]
    public void CategoricalKl_MatchesDirectSumAndIsZeroAtItself()
    {
        var rng = new Xoshiro256(25);
        int k = 4, rows = 3;
        var a = Random(rng, rows * k, 1.5);
        var b = Random(rng, rows * k, 1.5);
        var kl = new double[rows];
        FisherKernels.CategoricalKl(a, b, kl, k);
        for (int r = 0; r < rows; r++)
        {
            var p = Softmax(a.AsSpan(r * k, k));
            var q = Softmax(b.AsSpan(r * k, k));
            double expected = 0;
            for (int j = 0; j < k; j++)
            {
                expected += p[j] * Math.Log(p[j] / q[j]);
            }

            Assert.Equal(expected, kl[r], 1e-12);
        }

        FisherKernels.CategoricalKl(a, a, kl, k);
        Assert.All(kl, x => Assert.Equal(0.0, x, 1e-15));
    }

    [Fact]
    public void GaussianKl_OneDimension_MatchesTextbookFormula()
    {
        double m0 = 0.3, s0 = 0.8, m1 = -0.2, s1 = 1.3;
        var kl = new double[1];
        FisherKernels.GaussianKl([m0], [Math.Log(s0)], [m1], [Math.Log(s1)], kl, 1);
        double expected = Math.Log(s1 / s0) + (s0 * s0 + (m0 - m1) * (m0 - m1)) / (2 * s1 * s1) - 0.5;
        Assert.Equal(expected, kl[0], 1e-14);
    }

    /// <summary>M of N(mu, L L^T) in (mu, L): Sigma^-1 on the mean, (1/2) tr(Sigma^-1 E_a Sigma^-1 E_b) on L's entries (upper ones zero).</summary>
    private static (double[,] Mean, double[,] Factor) ExplicitMvnFisher(double[] l, int d)
    {
        var sigma = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                for (int k = 0; k < d; k++)
                {
                    sigma[i, j] += l[i * d + k] * l[j * d + k];
                }
            }
        }

        var inv = Inverse(sigma);
        var factor = new double[d * d, d * d];
        for (int a = 0; a < d * d; a++)
        {
            for (int b = 0; b < d * d; b++)
            {
                if (a % d > a / d || b % d > b / d)
                {
                    continue;
                }

                var ea = MatMul(inv, DSigma(l, d, a / d, a % d));
                var eb = MatMul(inv, DSigma(l, d, b / d, b % d));
                double tr = 0;
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j < d; j++)
                    {
                        tr += ea[i, j] * eb[j, i];
                    }
                }

                factor[a, b] = 0.5 * tr;
            }
        }

        return (inv, factor);
    }

    // dSigma / dL_ij = e_i (L^T)_j. + (L)_.j e_i^T: entry (p, q) is [p == i] L_qj + L_pj [q == i]
    private static double[,] DSigma(double[] l, int d, int i, int j)
    {
        var m = new double[d, d];
        for (int p = 0; p < d; p++)
        {
            for (int q = 0; q < d; q++)
            {
                m[p, q] = (p == i ? l[q * d + j] : 0) + (q == i ? l[p * d + j] : 0);
            }
        }

        return m;
    }

    private static double[] LowerFactor(Xoshiro256 rng, int d)
    {
        var l = Lower(Random(rng, d * d, 0.5), d);
        for (int i = 0; i < d; i++)
        {
            l[i * d + i] = 0.8 + Math.Abs(l[i * d + i]);
        }

        return l;
    }

    private static double[] Lower(double[] m, int d)
    {
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                m[i * d + j] = 0;
            }
        }

        return m;
    }

    private static Span<double> Lower(Span<double> m)
    {
        int d = (int)Math.Round(Math.Sqrt(m.Length));
        for (int i = 0; i < d; i++)
        {
            for (int j = i + 1; j < d; j++)
            {
                m[i * d + j] = 0;
            }
        }

        return m;
    }

    internal static double[] Random(Xoshiro256 rng, int n, double scale)
    {
        var a = new double[n];
        for (int i = 0; i < n; i++)
        {
            a[i] = scale * (2 * rng.NextDouble() - 1);
        }

        return a;
    }

    private static double[] Softmax(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity;
        foreach (double x in z)
        {
            max = Math.Max(max, x);
        }

        var p = new double[z.Length];
        double s = 0;
        for (int i = 0; i < z.Length; i++)
        {
            p[i] = Math.Exp(z[i] - max);
            s += p[i];
        }

        for (int i = 0; i < z.Length; i++)
        {
            p[i] /= s;
        }

        return p;
    }

    internal static double[] Multiply(double[,] m, ReadOnlySpan<double> v)
    {
        var r = new double[m.GetLength(0)];
        for (int i = 0; i < r.Length; i++)
        {
            for (int j = 0; j < v.Length; j++)
            {
                r[i] += m[i, j] * v[j];
            }
        }

        return r;
    }

    private static double[,] MatMul(double[,] a, double[,] b)
    {
        int n = a.GetLength(0);
        var c = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    c[i, j] += a[i, k] * b[k, j];
                }
            }
        }

        return c;
    }

    /// <summary>Gauss-Jordan inverse with partial pivoting.</summary>
    private static double[,] Inverse(double[,] a)
    {
        int n = a.GetLength(0);
        var m = (double[,])a.Clone();
        var inv = new double[n, n];
        for (int i = 0; i < n; i++)
        {
            inv[i, i] = 1;
        }

        for (int c = 0; c < n; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < n; r++)
            {
                if (Math.Abs(m[r, c]) > Math.Abs(m[pivot, c]))
                {
                    pivot = r;
                }
            }

            for (int k = 0; k < n; k++)
            {
                (m[c, k], m[pivot, k]) = (m[pivot, k], m[c, k]);
                (inv[c, k], inv[pivot, k]) = (inv[pivot, k], inv[c, k]);
            }

            double diag = m[c, c];
            for (int k = 0; k < n; k++)
            {
                m[c, k] /= diag;
                inv[c, k] /= diag;
            }

            for (int r = 0; r < n; r++)
            {
                if (r == c)
                {
                    continue;
                }

                double f = m[r, c];
                for (int k = 0; k < n; k++)
                {
                    m[r, k] -= f * m[c, k];
                    inv[r, k] -= f * inv[c, k];
                }
            }
        }

        return inv;
    }

    internal static void AssertRelClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double num = 0, den = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            num += (expected[i] - actual[i]) * (expected[i] - actual[i]);
            den += expected[i] * expected[i];
        }

        double rel = Math.Sqrt(num) / Math.Max(Math.Sqrt(den), 1e-300);
        Assert.True(rel < Tolerance, $"relative error {rel:E3} (|expected| = {Math.Sqrt(den):E3})");
    }
}
