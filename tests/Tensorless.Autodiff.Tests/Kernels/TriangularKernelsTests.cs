using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Tests.Kernels;

/// <summary>Triangular solves against a naive dense solve (Gaussian elimination with partial pivoting on the full matrix).</summary>
public class TriangularKernelsTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(5)]
    [InlineData(17)]
    public void ForwardSubstitute_RandomLowerFactor_MatchesNaiveSolve(int d)
    {
        var (l, lower) = Factor(d, seed: 11);
        var b = Vector(d, seed: 12);
        var v = (double[])b.Clone();
        TriangularKernels.ForwardSubstitute(l, v, d);
        AssertClose(NaiveSolve(lower, b, d), v);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(8)]
    [InlineData(17)]
    public void BackSubstituteTransposed_RandomLowerFactor_MatchesNaiveSolveOfTranspose(int d)
    {
        var (l, lower) = Factor(d, seed: 21);
        var transposed = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                transposed[i * d + j] = lower[j * d + i];
            }
        }

        var b = Vector(d, seed: 22);
        var v = (double[])b.Clone();
        TriangularKernels.BackSubstituteTransposed(l, v, d);
        AssertClose(NaiveSolve(transposed, b, d), v);
    }

    [Fact]
    public void MultiplyAddInPlace_RandomFactor_MatchesPlainProductBits()
    {
        const int d = 7;
        var (l, lower) = Factor(d, seed: 31);
        var shift = Vector(d, seed: 32);
        var x = Vector(d, seed: 33);
        var expected = new double[d];
        for (int i = 0; i < d; i++)
        {
            double s = 0;
            for (int j = 0; j <= i; j++)
            {
                s += lower[i * d + j] * x[j];
            }

            expected[i] = shift[i] + s;
        }

        TriangularKernels.MultiplyAddInPlace(l, shift, x, d);
        GradientKernelsTests.AssertSameBits(expected, x, d);
    }

    [Fact]
    public void LogDiagonal_AndFirstInvalidDiagonal_ReadOnlyTheDiagonal()
    {
        double[] l = [2.0, double.NaN, 5.0, 3.0];
        Assert.Equal(Math.Log(2.0) + Math.Log(3.0), TriangularKernels.LogDiagonal(l, 2));
        Assert.Equal(-1, TriangularKernels.FirstInvalidDiagonal(l, 2));
        Assert.Equal(1, TriangularKernels.FirstInvalidDiagonal([2.0, 0.0, 0.0, double.PositiveInfinity], 2));
    }

    /// <summary>A well-conditioned lower factor; the kernel's copy has NaN above the diagonal to prove it is never read.</summary>
    private static (double[] Kernel, double[] Lower) Factor(int d, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var lower = new double[d * d];
        var kernel = new double[d * d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double v = j < i ? rng.NextDouble(-0.5, 0.5) : j == i ? rng.NextDouble(1.0, 2.0) : 0.0;
                lower[i * d + j] = v;
                kernel[i * d + j] = j > i ? double.NaN : v;
            }
        }

        return (kernel, lower);
    }

    private static double[] Vector(int d, ulong seed)
    {
        var v = new double[d];
        new Xoshiro256(seed).FillUniform(v, -3, 3);
        return v;
    }

    private static double[] NaiveSolve(double[] matrix, double[] rhs, int d)
    {
        var a = (double[])matrix.Clone();
        var b = (double[])rhs.Clone();
        for (int c = 0; c < d; c++)
        {
            int pivot = c;
            for (int r = c + 1; r < d; r++)
            {
                if (Math.Abs(a[r * d + c]) > Math.Abs(a[pivot * d + c]))
                {
                    pivot = r;
                }
            }

            for (int j = 0; j < d; j++)
            {
                (a[c * d + j], a[pivot * d + j]) = (a[pivot * d + j], a[c * d + j]);
            }

            (b[c], b[pivot]) = (b[pivot], b[c]);
            for (int r = c + 1; r < d; r++)
            {
                double f = a[r * d + c] / a[c * d + c];
                for (int j = c; j < d; j++)
                {
                    a[r * d + j] -= f * a[c * d + j];
                }

                b[r] -= f * b[c];
            }
        }

        var x = new double[d];
        for (int r = d - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int j = r + 1; j < d; j++)
            {
                s -= a[r * d + j] * x[j];
            }

            x[r] = s / a[r * d + r];
        }

        return x;
    }

    private static void AssertClose(double[] expected, double[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= 1e-12 * (1 + Math.Abs(expected[i])), $"element {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }
}
