using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Tests.Kernels;

/// <summary>The vectorised element-wise backward drivers against their scalar reference loops: same bits, every length 0..70.</summary>
public class GradientKernelsTests
{
    private const int MaxLength = 70;

    // special values land in every lane position as the length grows, so the vector body meets them too
    private static readonly double[] Specials = [0.0, -0.0, 1.0, -1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, 1e300, -1e-300];

    [Fact]
    public void Tanh_EveryLength_VectorMatchesReferenceBits() => CheckUnary(default(TanhGradient));

    [Fact]
    public void Relu_EveryLength_VectorMatchesReferenceBits() => CheckUnary(default(ReluGradient));

    [Fact]
    public void Square_EveryLength_VectorMatchesReferenceBits() => CheckUnary(default(SquareGradient));

    [Fact]
    public void Quotient_EveryLength_VectorMatchesReferenceBits() => CheckUnary(default(QuotientGradient));

    [Fact]
    public void Clamp_EveryLength_VectorMatchesReferenceBits() => CheckUnary(new ClampGradient(-0.5, 0.25));

    [Fact]
    public void QuotientDenominator_EveryLength_VectorMatchesReferenceBits()
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            var rng = new Xoshiro256((ulong)n + 1);
            double[] g = Data(rng, n, 0), x = Data(rng, n, 3), y = Data(rng, n, 5), acc = Data(rng, n, 7);
            var expected = (double[])acc.Clone();
            GradientKernels.AccumulateReference(g, x, y, expected, default(QuotientDenominatorGradient));
            GradientKernels.Accumulate(g, x, y, acc, default(QuotientDenominatorGradient));
            AssertSameBits(expected, acc, n);
        }
    }

    [Fact]
    public void Tanh_Reference_IsTheFormula()
    {
        double[] g = [2.0], y = [0.5], acc = [1.0];
        GradientKernels.AccumulateReference(g, y, acc, default(TanhGradient));
        Assert.Equal(1.0 + 2.0 * (1.0 - 0.25), acc[0]);
    }

    [Fact]
    public void Clamp_OutsideTheRange_LeavesANegativeZeroAccumulatorAlone()
    {
        double[] g = [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0], x = [5, 5, 5, 5, 5, 5, 5, 5, 5];
        var acc = new double[9];
        acc.AsSpan().Fill(-0.0);
        GradientKernels.Accumulate(g, x, acc, new ClampGradient(-1, 1));
        Assert.All(acc, v => Assert.True(double.IsNegative(v), "a skipped element must keep its -0"));
    }

    [Fact]
    public void Accumulate_MismatchedLengths_Throws() =>
        Assert.Throws<ArgumentException>(() => GradientKernels.Accumulate(new double[3], new double[2], new double[3], default(TanhGradient)));

    [Fact]
    public void MinMax_Ties_SplitTheGradient()
    {
        double[] g = [4.0, 4.0, 4.0], a = [1.0, 2.0, 3.0], b = [2.0, 2.0, 2.0];
        var ga = new double[3];
        var gb = new double[3];
        GradientKernels.MinMax(g, a, b, ga, gb, minimum: true);
        Assert.Equal([4.0, 2.0, 0.0], ga);
        Assert.Equal([0.0, 2.0, 4.0], gb);
    }

    private static void CheckUnary<TOp>(TOp op)
        where TOp : struct, IGradientOperator
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            var rng = new Xoshiro256((ulong)n + 1);
            double[] g = Data(rng, n, 0), x = Data(rng, n, 3), acc = Data(rng, n, 7);
            var expected = (double[])acc.Clone();
            GradientKernels.AccumulateReference(g, x, expected, op);
            GradientKernels.Accumulate(g, x, acc, op);
            AssertSameBits(expected, acc, n);
        }
    }

    private static double[] Data(Xoshiro256 rng, int n, int specialOffset)
    {
        var v = new double[n];
        rng.FillUniform(v, -2, 2);
        for (int i = specialOffset; i < n; i += 11)
        {
            v[i] = Specials[(i / 11) % Specials.Length];
        }

        return v;
    }

    internal static void AssertSameBits(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, int n)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            long e = BitConverter.DoubleToInt64Bits(expected[i]);
            long a = BitConverter.DoubleToInt64Bits(actual[i]);
            Assert.True(e == a || (double.IsNaN(expected[i]) && double.IsNaN(actual[i])),
                $"length {n}, element {i}: expected {expected[i]:R} (0x{e:X16}), got {actual[i]:R} (0x{a:X16})");
        }
    }
}
