using Tensorless.Rl.Advantages;
using Tensorless.Tests;
namespace Tensorless.Rl.Tests.Advantages;

public sealed class AdvantageEstimatorsTests
{
    // Hand-worked rollout, T = 4 steps, N = 2 environments, gamma = 0.5, lambda = 0.5 (gamma * lambda = 0.25).
    //
    // env 0: r = [1, 2, 3, 4], V = [10, 20, 30, 40], terminated at t = 1, truncated at t = 2 with V(final obs) = 8,
    //        lastValue = 100. Three segments: {0, 1} ends in a termination, {2} in a truncation, {3} at the rollout end.
    //   TD errors: d3 = 4 + 0.5 * 100 - 40 = 14      (rollout end: bootstrap lastValue once)
    //              d2 = 3 + 0.5 * 8   - 30 = -23     (truncation: bootstrap V(final obs), not V[3] of the next episode)
    //              d1 = 2 + 0         - 20 = -18     (termination: next value 0)
    //              d0 = 1 + 0.5 * 20  - 10 = 1
    //   GAE: A3 = 14, A2 = -23 (no carry across the truncation), A1 = -18 (no carry across the termination),
    //        A0 = 1 + 0.25 * (-18) = -3.5.  Returns = A + V = [6.5, 2, 7, 54].
    //   MC:  G3 = 4 + 0.5 * 100 = 54, G2 = 3 + 0.5 * 8 = 7, G1 = 2, G0 = 1 + 0.5 * 2 = 2; A = G - V = [-8, -18, -23, 14].
    //
    // env 1: r = [1, 1, 1, 1], V = [2, 2, 2, 2], no boundary, lastValue = 4.
    //   TD errors: d3 = 1 + 0.5 * 4 - 2 = 1, d2 = d1 = d0 = 1 + 0.5 * 2 - 2 = 0.
    //   GAE: A3 = 1, A2 = 0.25, A1 = 0.0625, A0 = 0.015625; returns = [2.015625, 2.0625, 2.25, 3].
    //   MC:  G3 = 3, G2 = 2.5, G1 = 2.25, G0 = 2.125; A = [0.125, 0.25, 0.5, 1].
    //   2-step: G0 = 1 + 0.5 + 0.25 * V2 = 2, G1 = 1 + 0.5 + 0.25 * V3 = 2, G2 = 1 + 0.5 + 0.25 * last = 2.5 (rollout
    //   end inside the window), G3 = 1 + 0.5 * 4 = 3; A = [0, 0, 0.5, 1]. For env 0 every window meets a boundary first,
    //   so its 2-step values equal MC.
    private static readonly double[][] HandRewards = [[1, 2, 3, 4], [1, 1, 1, 1]];
    private static readonly double[][] HandValues = [[10, 20, 30, 40], [2, 2, 2, 2]];
    private static readonly bool[][] HandTerminated = [[false, true, false, false], [false, false, false, false]];
    private static readonly bool[][] HandTruncated = [[false, false, true, false], [false, false, false, false]];
    private static readonly double[][] HandTruncationValues = [[double.NaN, double.NaN, 8, double.NaN], [double.NaN, double.NaN, double.NaN, double.NaN]];
    private static readonly double[] HandLastValues = [100, 4];

    private static readonly double[][] HandGae = [[-3.5, -18, -23, 14], [0.015625, 0.0625, 0.25, 1]];
    private static readonly double[][] HandTd = [[1, -18, -23, 14], [0, 0, 0, 1]];
    private static readonly double[][] HandMc = [[-8, -18, -23, 14], [0.125, 0.25, 0.5, 1]];
    private static readonly double[][] HandTwoStep = [[-8, -18, -23, 14], [0, 0, 0.5, 1]];

    public static TheoryData<int> EnvCounts => [2, 9];

    [Theory]
    [MemberData(nameof(EnvCounts))]
    public void Gae_HandWorkedRolloutWithTerminationAndTruncation_MatchesWorkedNumbers(int numEnvs)
    {
        HandRollout h = HandRollout.Tile(numEnvs);
        AdvantageEstimators.Gae(h.Rewards, h.Values, h.Terminated, h.Truncated, h.TruncationValues, h.LastValues, 0.5, 0.5, h.Advantages, h.Returns);
        h.AssertColumns(HandGae, returnsAreAdvantagesPlusValues: true);
    }

    [Theory]
    [MemberData(nameof(EnvCounts))]
    public void TdZero_HandWorkedRollout_MatchesWorkedNumbers(int numEnvs)
    {
        HandRollout h = HandRollout.Tile(numEnvs);
        AdvantageEstimators.TdZero(h.Rewards, h.Values, h.Terminated, h.Truncated, h.TruncationValues, h.LastValues, 0.5, h.Advantages, h.Returns);
        h.AssertColumns(HandTd, returnsAreAdvantagesPlusValues: true);
    }

    [Theory]
    [MemberData(nameof(EnvCounts))]
    public void MonteCarlo_HandWorkedRollout_MatchesWorkedNumbers(int numEnvs)
    {
        HandRollout h = HandRollout.Tile(numEnvs);
        AdvantageEstimators.MonteCarlo(h.Rewards, h.Values, h.Terminated, h.Truncated, h.TruncationValues, h.LastValues, 0.5, h.Advantages, h.Returns);
        h.AssertColumns(HandMc, returnsAreAdvantagesPlusValues: true);
    }

    [Theory]
    [MemberData(nameof(EnvCounts))]
    public void NStep_HandWorkedRolloutTwoSteps_MatchesWorkedNumbers(int numEnvs)
    {
        HandRollout h = HandRollout.Tile(numEnvs);
        AdvantageEstimators.NStep(h.Rewards, h.Values, h.Terminated, h.Truncated, h.TruncationValues, h.LastValues, 0.5, 2, h.Advantages, h.Returns);
        h.AssertColumns(HandTwoStep, returnsAreAdvantagesPlusValues: true);
    }

    [Fact]
    public void Gae_TerminatedAndTruncatedTogether_TreatedAsTerminated()
    {
        // One env, one step: r = 1, V = 5, both flags set, V(final obs) = 100. Terminated wins: A = 1 + 0 - 5 = -4.
        double[] adv = new double[1], ret = new double[1];
        AdvantageEstimators.Gae([1.0], [5.0], [true], [true], [100.0], [double.NaN], 0.9, 0.95, adv, ret);
        Assert.Equal(-4.0, adv[0]);
        Assert.Equal(1.0, ret[0]);
    }

    [Fact]
    public void Gae_GridOfGammaAndLambda_MatchesNaiveRecomputation()
    {
        double[] grid = [0.0, 0.3, 0.9, 0.99, 1.0];
        SeededProperty.Check(
            seed =>
            {
                var d = new RolloutData(seed);
                foreach (double gamma in grid)
                {
                    foreach (double lambda in grid)
                    {
                        double[] adv = new double[d.Count], ret = new double[d.Count];
                        AdvantageEstimators.Gae(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, lambda, adv, ret);
                        AssertClose(NaiveEstimators.Gae(d, gamma, lambda), adv, $"gamma={gamma} lambda={lambda}");
                        AssertReturnsAreAdvantagesPlusValues(adv, d.Values, ret);
                    }
                }
            },
            cases: 40);
    }

    [Fact]
    public void Gae_LambdaZero_EqualsTdZero()
    {
        SeededProperty.Check(seed =>
        {
            var d = new RolloutData(seed);
            double gamma = new Random(seed).NextDouble();
            double[] gae = new double[d.Count], gaeRet = new double[d.Count], td = new double[d.Count], tdRet = new double[d.Count];
            AdvantageEstimators.Gae(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, 0.0, gae, gaeRet);
            AdvantageEstimators.TdZero(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, td, tdRet);
            AssertClose(td, gae, $"gamma={gamma}");
            AssertClose(tdRet, gaeRet, $"gamma={gamma}");
        });
    }

    [Fact]
    public void Gae_LambdaOne_EqualsMonteCarloMinusValue()
    {
        SeededProperty.Check(seed =>
        {
            var d = new RolloutData(seed);
            double gamma = new Random(seed).NextDouble();
            double[] gae = new double[d.Count], gaeRet = new double[d.Count], mc = new double[d.Count], mcRet = new double[d.Count];
            AdvantageEstimators.Gae(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, 1.0, gae, gaeRet);
            AdvantageEstimators.MonteCarlo(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, mc, mcRet);
            AssertClose(mc, gae, $"gamma={gamma}");
            AssertClose(mcRet, gaeRet, $"gamma={gamma}");
        });
    }

    [Fact]
    public void MonteCarlo_RandomRollouts_MatchesNaiveRecomputation()
    {
        SeededProperty.Check(seed =>
        {
            var d = new RolloutData(seed);
            double gamma = new Random(seed).NextDouble();
            double[] adv = new double[d.Count], ret = new double[d.Count];
            AdvantageEstimators.MonteCarlo(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, adv, ret);
            AssertClose(NaiveEstimators.MonteCarlo(d, gamma), adv, $"gamma={gamma}");
            AssertReturnsAreAdvantagesPlusValues(adv, d.Values, ret);
        });
    }

    [Fact]
    public void NStep_NOne_EqualsTdZero()
    {
        SeededProperty.Check(seed =>
        {
            var d = new RolloutData(seed);
            double gamma = new Random(seed).NextDouble();
            double[] ns = new double[d.Count], nsRet = new double[d.Count], td = new double[d.Count], tdRet = new double[d.Count];
            AdvantageEstimators.NStep(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, 1, ns, nsRet);
            AdvantageEstimators.TdZero(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, td, tdRet);
            AssertClose(td, ns, $"gamma={gamma}");
        });
    }

    [Fact]
    public void NStep_NAtLeastSteps_EqualsMonteCarlo()
    {
        SeededProperty.Check(seed =>
        {
            var d = new RolloutData(seed);
            var random = new Random(seed);
            double gamma = random.NextDouble();
            int n = d.Steps + random.Next(0, 5);
            double[] ns = new double[d.Count], nsRet = new double[d.Count], mc = new double[d.Count], mcRet = new double[d.Count];
            AdvantageEstimators.NStep(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, n, ns, nsRet);
            AdvantageEstimators.MonteCarlo(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, gamma, mc, mcRet);
            AssertClose(mc, ns, $"gamma={gamma} n={n}");
        });
    }

    [Fact]
    public void NStep_MiddleHorizon_BootstrapsFromValueNStepsAhead()
    {
        // One env, T = 5, no boundary, gamma = 0.5, n = 3: G0 = r0 + 0.5 r1 + 0.25 r2 + 0.125 V3 = 1 + 1 + 0.75 + 0.125 * 8 = 3.75.
        double[] adv = new double[5], ret = new double[5];
        bool[] flags = new bool[5];
        AdvantageEstimators.NStep([1, 2, 3, 4, 5], [0, 0, 0, 8, 0], flags, flags, new double[5], [0], 0.5, 3, adv, ret);
        Assert.Equal(3.75, ret[0], 1e-12);
    }

    [Theory]
    [InlineData(AdvantageEstimator.Gae)]
    [InlineData(AdvantageEstimator.MonteCarlo)]
    [InlineData(AdvantageEstimator.TdZero)]
    [InlineData(AdvantageEstimator.NStep)]
    public void Compute_ConstantRewardWithPerfectTruncationBootstraps_ReturnsEqualOneOverOneMinusGamma(AdvantageEstimator method)
    {
        // Reward 1 forever, V = 1 / (1 - gamma) everywhere (the true value of a task that only ends by time limit).
        // With truncations bootstrapped from V(final obs) every return is exactly the value and every advantage 0.
        // Treating a truncation as terminal would give a return of 1 at that step instead of 100.
        const double gamma = 0.99, v = 1.0 / (1.0 - gamma);
        const int steps = 50, numEnvs = 5;
        var rewards = Enumerable.Repeat(1.0, steps * numEnvs).ToArray();
        var values = Enumerable.Repeat(v, steps * numEnvs).ToArray();
        var truncated = new bool[steps * numEnvs];
        for (int i = 0; i < truncated.Length; i += 7)
        {
            truncated[i] = true;
        }

        double[] adv = new double[rewards.Length], ret = new double[rewards.Length];
        AdvantageEstimators.Compute(method, rewards, values, new bool[rewards.Length], truncated, values, Enumerable.Repeat(v, numEnvs).ToArray(), gamma, 0.95, 4, adv, ret);
        foreach (double r in ret)
        {
            Assert.Equal(v, r, 1e-9);
        }
    }

    [Fact]
    public void Gae_ValueIterationOnConstantRewardTaskWithBootstrappedTruncation_ConvergesToOneOverOneMinusGamma()
    {
        // SB3's meaning test in tabular form: one state, reward 1 per step, episodes cut by a 10-step time limit.
        // Fit V by repeatedly setting it to the mean GAE return. Bootstrapping each truncation from V(final obs) makes
        // the fixed point the infinite-horizon value 1 / (1 - 0.9) = 10.
        Assert.Equal(10.0, FitConstantValue(truncationAsTerminal: false), 1e-6);
    }

    [Fact]
    public void Gae_ValueIterationWithTruncationTreatedAsTerminal_StaysWellBelowOneOverOneMinusGamma()
    {
        // The seeds' slip (a time limit treated as terminal) makes V the value of a 10-step task instead: a step at
        // episode position k has return (1 - 0.9^(10 - k)) / 0.1, and those average 10 - sum_{m=1..10} 0.9^m = 4.14;
        // the rollout-end bootstraps (from V itself) pull it only slightly up.
        double value = FitConstantValue(truncationAsTerminal: true);
        Assert.InRange(value, 4.13, 4.6);
    }

    private static double FitConstantValue(bool truncationAsTerminal)
    {
        const double gamma = 0.9;
        const int steps = 40, numEnvs = 10;
        int count = steps * numEnvs;
        var rewards = Enumerable.Repeat(1.0, count).ToArray();
        var limit = new bool[count];
        for (int t = 0; t < steps; t++)
        {
            for (int e = 0; e < numEnvs; e++)
            {
                limit[(t * numEnvs) + e] = (t + e) % 10 == 9; // env e starts at episode position e
            }
        }

        var none = new bool[count];
        double value = 0.0;
        double[] values = new double[count], adv = new double[count], ret = new double[count], last = new double[numEnvs];
        for (int iteration = 0; iteration < 400; iteration++)
        {
            Array.Fill(values, value);
            Array.Fill(last, value);
            AdvantageEstimators.Gae(rewards, values, truncationAsTerminal ? limit : none, truncationAsTerminal ? none : limit, values, last, gamma, 0.95, adv, ret);
            value = ret.Average();
        }

        return value;
    }

    [Fact]
    public void Gae_SteadyState_AllocatesNothing()
    {
        var d = new RolloutData(7, steps: 64, numEnvs: 64);
        double[] adv = new double[d.Count], ret = new double[d.Count];
        Assert.Equal(0, Tensorless.Tests.AllocationProbe.SteadyStateBytes(() =>
        {
            AdvantageEstimators.Gae(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, 0.99, 0.95, adv, ret);
            AdvantageEstimators.MonteCarlo(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, 0.99, adv, ret);
            AdvantageEstimators.NStep(d.Rewards, d.Values, d.Terminated, d.Truncated, d.TruncationValues, d.LastValues, 0.99, 5, adv, ret);
        }));
    }

    internal static void AssertClose(double[] expected, double[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double tolerance = 1e-9 * (1.0 + Math.Abs(expected[i]));
            Assert.True(
                Math.Abs(expected[i] - actual[i]) <= tolerance,
                $"{context}: index {i}: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static void AssertReturnsAreAdvantagesPlusValues(double[] advantages, double[] values, double[] returns)
    {
        for (int i = 0; i < returns.Length; i++)
        {
            Assert.True(Math.Abs(returns[i] - (advantages[i] + values[i])) <= 1e-9 * (1.0 + Math.Abs(returns[i])), $"returns[{i}]");
        }
    }

    // The 2-env hand rollout tiled across numEnvs columns (column c copies hand env c % 2), so the worked numbers also
    // run through the SIMD path (4 environments per vector) and its scalar tail.
    private sealed class HandRollout
    {
        public required int NumEnvs { get; init; }

        public required double[] Rewards { get; init; }

        public required double[] Values { get; init; }

        public required bool[] Terminated { get; init; }

        public required bool[] Truncated { get; init; }

        public required double[] TruncationValues { get; init; }

        public required double[] LastValues { get; init; }

        public required double[] Advantages { get; init; }

        public required double[] Returns { get; init; }

        public static HandRollout Tile(int numEnvs)
        {
            const int steps = 4;
            int count = steps * numEnvs;
            var h = new HandRollout
            {
                NumEnvs = numEnvs,
                Rewards = new double[count],
                Values = new double[count],
                Terminated = new bool[count],
                Truncated = new bool[count],
                TruncationValues = new double[count],
                LastValues = new double[numEnvs],
                Advantages = new double[count],
                Returns = new double[count],
            };
            for (int e = 0; e < numEnvs; e++)
            {
                int source = e % 2;
                h.LastValues[e] = HandLastValues[source];
                for (int t = 0; t < steps; t++)
                {
                    int i = (t * numEnvs) + e;
                    h.Rewards[i] = HandRewards[source][t];
                    h.Values[i] = HandValues[source][t];
                    h.Terminated[i] = HandTerminated[source][t];
                    h.Truncated[i] = HandTruncated[source][t];
                    h.TruncationValues[i] = HandTruncationValues[source][t];
                }
            }

            return h;
        }

        public void AssertColumns(double[][] expectedAdvantages, bool returnsAreAdvantagesPlusValues)
        {
            for (int e = 0; e < NumEnvs; e++)
            {
                for (int t = 0; t < 4; t++)
                {
                    int i = (t * NumEnvs) + e;
                    Assert.Equal(expectedAdvantages[e % 2][t], Advantages[i], 1e-12);
                    if (returnsAreAdvantagesPlusValues)
                    {
                        Assert.Equal(expectedAdvantages[e % 2][t] + Values[i], Returns[i], 1e-12);
                    }
                }
            }
        }
    }
}
