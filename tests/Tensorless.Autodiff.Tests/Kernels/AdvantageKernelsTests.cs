using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Tests.Kernels;

/// <summary>The vectorised advantage row kernels against their scalar reference loops: same bits, every length 0..70.</summary>
public class AdvantageKernelsTests
{
    private const int MaxLength = 70;

    // special values land in every lane position as the length grows, so the vector body meets them too
    private static readonly double[] Specials = [0.0, -0.0, 1.0, -1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, 1e300, -1e-300];

    // (gamma, gammaLambda): the ends of [0, 1] and values between
    private static readonly (double Gamma, double GammaLambda)[] Discounts = [(0.0, 0.0), (1.0, 1.0), (0.99, 0.99 * 0.95), (1.0, 0.0), (0.5, 0.5)];

    [Fact]
    public void GaeRow_EveryLength_VectorMatchesReferenceBits()
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            foreach ((double gamma, double gammaLambda) in Discounts)
            {
                foreach (bool carry in new[] { false, true })
                {
                    var rng = new Xoshiro256((ulong)n + 1);
                    Row row = Row.Random(rng, n);
                    ReadOnlySpan<double> nextAdvantages = carry ? row.NextAdvantages : ReadOnlySpan<double>.Empty;
                    double[] expectedAdv = Filled(n), expectedRet = Filled(n), adv = Filled(n), ret = Filled(n);
                    AdvantageKernels.GaeRowReference(row.Rewards, row.Values, row.Next, row.TruncationValues, row.Terminated, row.Truncated, nextAdvantages, gamma, gammaLambda, expectedAdv, expectedRet);
                    AdvantageKernels.GaeRow(row.Rewards, row.Values, row.Next, row.TruncationValues, row.Terminated, row.Truncated, nextAdvantages, gamma, gammaLambda, adv, ret);
                    GradientKernelsTests.AssertSameBits(expectedAdv, adv, n);
                    GradientKernelsTests.AssertSameBits(expectedRet, ret, n);
                }
            }
        }
    }

    [Fact]
    public void DiscountedReturnRow_EveryLength_VectorMatchesReferenceBits()
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            foreach ((double gamma, _) in Discounts)
            {
                var rng = new Xoshiro256((ulong)n + 101);
                Row row = Row.Random(rng, n);
                double[] expectedAdv = Filled(n), expectedRet = Filled(n), adv = Filled(n), ret = Filled(n);
                AdvantageKernels.DiscountedReturnRowReference(row.Rewards, row.Values, row.Next, row.TruncationValues, row.Terminated, row.Truncated, gamma, expectedAdv, expectedRet);
                AdvantageKernels.DiscountedReturnRow(row.Rewards, row.Values, row.Next, row.TruncationValues, row.Terminated, row.Truncated, gamma, adv, ret);
                GradientKernelsTests.AssertSameBits(expectedAdv, adv, n);
                GradientKernelsTests.AssertSameBits(expectedRet, ret, n);
            }
        }
    }

    [Fact]
    public void GaeRow_UnreadEntriesHoldNaN_OutputsStayFinite()
    {
        // Lane 0 terminated, lane 1 truncated, lane 2 goes on, and again from lane 3 on (9 lanes: vector body and tail).
        // Entries the flags say are not read hold NaN; none may reach the outputs.
        const int n = 9;
        double[] rewards = new double[n], values = new double[n], next = new double[n], trunc = new double[n], nextAdv = new double[n];
        bool[] terminated = new bool[n], truncated = new bool[n];
        for (int i = 0; i < n; i++)
        {
            rewards[i] = 1.0;
            values[i] = 2.0;
            terminated[i] = i % 3 == 0;
            truncated[i] = i % 3 == 1;
            next[i] = i % 3 == 2 ? 4.0 : double.NaN;
            nextAdv[i] = i % 3 == 2 ? 8.0 : double.NaN;
            trunc[i] = i % 3 == 1 ? 6.0 : double.NaN;
        }

        double[] adv = new double[n], ret = new double[n];
        AdvantageKernels.GaeRow(rewards, values, next, trunc, terminated, truncated, nextAdv, 0.5, 0.25, adv, ret);
        for (int i = 0; i < n; i++)
        {
            double expected = (i % 3) switch
            {
                0 => 1.0 - 2.0,                           // r - V
                1 => 1.0 + (0.5 * 6.0) - 2.0,             // r + gamma V(final obs) - V
                _ => 1.0 + (0.5 * 4.0) - 2.0 + (0.25 * 8.0), // delta + gamma lambda A_{t+1}
            };
            Assert.Equal(expected, adv[i]);
            Assert.Equal(expected + 2.0, ret[i]);
        }
    }

    [Fact]
    public void GaeRow_MismatchedLengths_Throws() =>
        Assert.Throws<ArgumentException>(() => AdvantageKernels.GaeRow(
            new double[4], new double[4], new double[4], new double[4], new bool[4], new bool[4], new double[3], 0.9, 0.9, new double[4], new double[4]));

    [Fact]
    public void DiscountedReturnRow_MismatchedLengths_Throws() =>
        Assert.Throws<ArgumentException>(() => AdvantageKernels.DiscountedReturnRow(
            new double[4], new double[4], new double[4], new double[4], new bool[3], new bool[4], 0.9, new double[4], new double[4]));

    private static double[] Filled(int n)
    {
        var a = new double[n];
        Array.Fill(a, 12345.0);
        return a;
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

    private static bool[] Flags(Xoshiro256 rng, int n)
    {
        var f = new bool[n];
        for (int i = 0; i < n; i++)
        {
            f[i] = rng.NextInt(4) == 0;
        }

        return f;
    }

    private sealed record Row(double[] Rewards, double[] Values, double[] Next, double[] TruncationValues, bool[] Terminated, bool[] Truncated, double[] NextAdvantages)
    {
        public static Row Random(Xoshiro256 rng, int n) =>
            new(Data(rng, n, 0), Data(rng, n, 2), Data(rng, n, 4), Data(rng, n, 6), Flags(rng, n), Flags(rng, n), Data(rng, n, 8));
    }
}
