using Tensorless.Rl.Advantages;
using Tensorless.Tests;

namespace Tensorless.Rl.Tests.Advantages;

/// <summary>
/// GAE's fast path (row kernels) against its plain reference loop (CleanRL's backward recursion): the same bits over
/// random rollouts (STYLE.md rule 10).
/// </summary>
public sealed class GaeReferenceTests
{
    [Fact]
    public void Gae_RandomRollouts_SameBitsAsReferenceLoop()
    {
        SeededProperty.Check(
            seed =>
            {
                var random = new Random(seed);
                int steps = random.Next(1, 40);
                int numEnvs = random.Next(4) == 0 ? 1 : random.Next(1, 20); // 1 often, odd sizes, vector bodies and tails
                double boundaryRate = random.NextDouble() * 0.5;
                var d = new RolloutData(seed, steps, numEnvs, boundaryRate);
                SprinkleZeros(d, random);
                double gamma = UnitIntervalWithEnds(random);
                double lambda = UnitIntervalWithEnds(random);

                double[] fast = Garbage(d.Count), fastReturns = Garbage(d.Count);
                double[] reference = Garbage(d.Count), referenceReturns = Garbage(d.Count);
                AdvantageEstimators.Gae(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, lambda, fast, fastReturns);
                AdvantageEstimators.GaeReference(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, lambda, reference, referenceReturns);

                string context = $"T={steps} N={numEnvs} gamma={gamma:R} lambda={lambda:R}";
                AssertSameBits(reference, fast, $"{context} advantages");
                AssertSameBits(referenceReturns, fastReturns, $"{context} returns");
            },
            cases: 300);
    }

    [Fact]
    public void GaeReference_RandomRollouts_MatchesNaiveRecomputation()
    {
        SeededProperty.Check(seed =>
        {
            var d = new RolloutData(seed);
            var random = new Random(seed);
            double gamma = UnitIntervalWithEnds(random), lambda = UnitIntervalWithEnds(random);
            double[] adv = new double[d.Count], ret = new double[d.Count];
            AdvantageEstimators.GaeReference(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, lambda, adv, ret);
            AdvantageEstimatorsTests.AssertClose(NaiveEstimators.Gae(d, gamma, lambda), adv, $"gamma={gamma} lambda={lambda}");
        });
    }

    [Fact]
    public void GaeReference_BadArguments_ThrowAsGae()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            AdvantageEstimators.GaeReference([1.0], [1.0], [false], [false], [0.0], [0.0], 0.9, 1.5, new double[1], new double[1]));
        Assert.Throws<ArgumentException>(() =>
            AdvantageEstimators.GaeReference([1.0, 2.0], [1.0], [false, false], [false, false], [0.0, 0.0], [0.0], 0.9, 0.95, new double[2], new double[2]));
    }

    // 0, 1 and values between, each about a third of the time.
    private static double UnitIntervalWithEnds(Random random) => random.Next(3) switch
    {
        0 => 0.0,
        1 => 1.0,
        _ => random.NextDouble(),
    };

    // Signed zeros in rewards and values, so a -0 TD error (r = -0, gamma * boot = -0, V = +0) meets both paths.
    private static void SprinkleZeros(RolloutData d, Random random)
    {
        for (int i = 0; i < d.Count; i++)
        {
            if (random.Next(8) == 0)
            {
                d.Rewards[i] = -0.0;
                d.Values[i] = 0.0;
            }
        }
    }

    // Destinations start as NaN, so an output read before it is written shows up.
    private static double[] Garbage(int count)
    {
        var a = new double[count];
        Array.Fill(a, double.NaN);
        return a;
    }

    private static void AssertSameBits(double[] expected, double[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(
                BitConverter.DoubleToInt64Bits(expected[i]) == BitConverter.DoubleToInt64Bits(actual[i]),
                $"{context}: index {i}: reference {expected[i]:R}, fast {actual[i]:R}");
        }
    }
}
