using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Tensorless.Tests;

namespace Tensorless.Autodiff.Tests;

public class Xoshiro256Tests
{
    private static readonly Gen<ulong[]> States =
        from a in ArbMap.Default.GeneratorFor<ulong>()
        from b in ArbMap.Default.GeneratorFor<ulong>()
        from c in ArbMap.Default.GeneratorFor<ulong>()
        from d in ArbMap.Default.GeneratorFor<ulong>()
        where (a | b | c | d) != 0
        select new[] { a, b, c, d };

    [Fact]
    public void NextUInt64_State1234_MatchesPublishedVector()
    {
        // the known-answer vector for state {1, 2, 3, 4} that xoshiro256** ports publish (e.g. rand_xoshiro's test)
        ulong[] expected =
        [
            11520UL, 0UL, 1509978240UL, 1215971899390074240UL, 1216172134540287360UL, 607988272756665600UL,
            16172922978634559625UL, 8476171486693032832UL, 10595114339597558777UL, 2904607092377533576UL,
        ];
        var rng = new Xoshiro256([1UL, 2UL, 3UL, 4UL]);
        var reference = new ReferenceXoshiro(1, 2, 3, 4);
        foreach (ulong e in expected)
        {
            Assert.Equal(e, rng.NextUInt64());
            Assert.Equal(e, reference.Next());
        }
    }

    [Fact]
    public void FirstOutput_ByHand_FromTheDefinition()
    {
        // result = rotl(s1 * 5, 7) * 9: with s1 = 2, rotl(10, 7) = 1280 and 1280 * 9 = 11520. The state update then gives
        // s1 = s1 ^ (s2 ^ s0) = 2 ^ (3 ^ 1) = 0, so the second output is rotl(0, 7) * 9 = 0.
        var rng = new Xoshiro256([1UL, 2UL, 3UL, 4UL]);
        Assert.Equal(1280UL * 9, rng.NextUInt64());
        Assert.Equal(0UL, rng.NextUInt64());
    }

    [Property(MaxTest = 200)]
    public Property NextUInt64_RandomStates_MatchesReferenceImplementation(ulong s0, ulong s1, ulong s2, ulong s3) =>
        Prop.When((s0 | s1 | s2 | s3) != 0, () =>
        {
            // the all-zero state is xoshiro's one fixed point, which the constructor rejects
            var rng = new Xoshiro256([s0, s1, s2, s3]);
            var reference = new ReferenceXoshiro(s0, s1, s2, s3);
            for (int i = 0; i < 64; i++)
            {
                Assert.Equal(reference.Next(), rng.NextUInt64());
            }
        });

    [Fact]
    public void Seed_ExpandsWithSplitMix64()
    {
        // splitmix64 from 1234567 starts 6457827717110365317, 3203168211198807973, ... (Vigna's published test values)
        ulong x = 1234567;
        ulong[] expected = [ReferenceXoshiro.SplitMix64(ref x), ReferenceXoshiro.SplitMix64(ref x), ReferenceXoshiro.SplitMix64(ref x), ReferenceXoshiro.SplitMix64(ref x)];
        Assert.Equal(6457827717110365317UL, expected[0]);
        Assert.Equal(3203168211198807973UL, expected[1]);
        Assert.Equal(expected, new Xoshiro256(1234567).GetState());
    }

    [Fact]
    public void SameSeed_SameStream_DifferentSeeds_DifferentStreams()
    {
        Xoshiro256 a = new(42), b = new(42), c = new(43);
        int same = 0;
        for (int i = 0; i < 1000; i++)
        {
            ulong x = a.NextUInt64();
            Assert.Equal(x, b.NextUInt64());
            same += x == c.NextUInt64() ? 1 : 0;
        }

        Assert.Equal(0, same);
    }

    [Fact]
    public void NextDouble_IsTop53BitsTimes2ToMinus53_InUnitInterval()
    {
        var rng = new Xoshiro256(7);
        var reference = new Xoshiro256(7);
        for (int i = 0; i < 10_000; i++)
        {
            double u = rng.NextDouble();
            Assert.Equal((reference.NextUInt64() >> 11) * Math.ScaleB(1.0, -53), u);
            Assert.InRange(u, 0.0, Math.BitDecrement(1.0));
        }
    }

    [Fact]
    public void NextInt_MatchesLemireReference_AndStaysInRange() =>
        SeededProperty.ForAll(States.Zip(Gen.Choose(1, int.MaxValue)), c =>
        {
            (ulong[] s, int n) = c;
            // Lemire (2019): take the high word of x * n, rejecting x whose low word falls below 2^64 mod n
            var rng = new Xoshiro256(s);
            var reference = new ReferenceXoshiro(s[0], s[1], s[2], s[3]);
            ulong threshold = (0UL - (ulong)n) % (ulong)n;
            for (int i = 0; i < 32; i++)
            {
                UInt128 product;
                do
                {
                    product = (UInt128)reference.Next() * (ulong)n;
                }
                while ((ulong)product < threshold);

                int got = rng.NextInt(n);
                Assert.Equal((int)(product >> 64), got);
                Assert.InRange(got, 0, n - 1);
            }
        }, cases: 200);

    [Fact]
    public void NextInt_Frequencies_AreUniform_ChiSquare()
    {
        // 70,000 draws over 7 values: chi-square with 6 dof, 99.9% quantile 22.46
        var rng = new Xoshiro256(2718);
        var counts = new int[7];
        for (int i = 0; i < 70_000; i++)
        {
            counts[rng.NextInt(7)]++;
        }

        double chi2 = counts.Sum(c => (c - 10_000.0) * (c - 10_000.0) / 10_000.0);
        Assert.True(chi2 < 22.46, $"chi-square {chi2:F2}; counts {string.Join(", ", counts)}");
        Assert.Equal(0, rng.NextInt(1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void NextInt_NonPositiveBound_Throws(int n) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new Xoshiro256(1).NextInt(n));

    [Fact]
    public void Split_ChildIsOneJumpAhead_ParentTwo_StreamsDiffer()
    {
        var parent = new Xoshiro256(99);
        var start = parent.GetState();
        var child = parent.Split();
        var reference = new ReferenceXoshiro(start[0], start[1], start[2], start[3]);
        reference.Jump();
        Assert.Equal(reference.State, child.GetState());
        reference.Jump();
        Assert.Equal(reference.State, parent.GetState());

        var second = parent.Split();
        int equal = 0;
        for (int i = 0; i < 1000; i++)
        {
            ulong p = parent.NextUInt64(), c = child.NextUInt64(), s = second.NextUInt64();
            equal += (p == c ? 1 : 0) + (p == s ? 1 : 0) + (c == s ? 1 : 0);
        }

        Assert.Equal(0, equal);
    }

    [Fact]
    public void State_RoundTrips()
    {
        var rng = new Xoshiro256(11);
        rng.NextUInt64();
        Span<ulong> state = stackalloc ulong[4];
        rng.GetState(state);
        var restored = new Xoshiro256(state);
        var again = new Xoshiro256(1);
        again.SetState(rng.GetState());
        for (int i = 0; i < 100; i++)
        {
            ulong x = rng.NextUInt64();
            Assert.Equal(x, restored.NextUInt64());
            Assert.Equal(x, again.NextUInt64());
        }
    }

    [Fact]
    public void State_Invalid_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Xoshiro256([0UL, 0UL, 0UL, 0UL]));
        Assert.Throws<ArgumentException>(() => new Xoshiro256([1UL, 2UL, 3UL]));
        Assert.Throws<ArgumentException>(() => new Xoshiro256(1).GetState(new ulong[3]));
    }

    [Fact]
    public void Uniform_MeanAndVariance()
    {
        // U(0,1): mean 1/2 with sd sqrt(1/12/N); variance 1/12 with sd sqrt((1/80 - 1/144)/N); 5 sd allowed, N = 200,000
        const int n = 200_000;
        var values = new double[n];
        new Xoshiro256(1).FillUniform(values, 0, 1);
        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / n;
        Assert.InRange(mean, 0.5 - 5 * Math.Sqrt(1.0 / 12 / n), 0.5 + 5 * Math.Sqrt(1.0 / 12 / n));
        double sdVar = Math.Sqrt((1.0 / 80 - 1.0 / 144) / n);
        Assert.InRange(variance, 1.0 / 12 - 5 * sdVar, 1.0 / 12 + 5 * sdVar);

        var shifted = new double[1000];
        new Xoshiro256(2).FillUniform(shifted, -3, 5);
        Assert.All(shifted, v => Assert.InRange(v, -3, Math.BitDecrement(5.0)));
        Assert.InRange(new Xoshiro256(3).NextDouble(10, 11), 10, 11);
    }

    [Fact]
    public void Gaussian_MeanVarianceAndKurtosis_BothMethods()
    {
        // N(0,1): mean sd 1/sqrt(N); variance sd sqrt(2/N); fourth moment 3 with sd sqrt((105 - 9)/N); 5 sd, N = 200,000
        const int n = 200_000;
        var filled = new double[n];
        new Xoshiro256(8).FillGaussian(filled);
        var single = new double[n];
        var rng = new Xoshiro256(9);
        for (int i = 0; i < n; i++)
        {
            single[i] = rng.NextGaussian();
        }

        foreach (var values in new[] { filled, single })
        {
            double mean = values.Average();
            double m2 = values.Sum(v => v * v) / n;
            double m4 = values.Sum(v => v * v * v * v) / n;
            Assert.InRange(mean, -5 / Math.Sqrt(n), 5 / Math.Sqrt(n));
            Assert.InRange(m2, 1 - 5 * Math.Sqrt(2.0 / n), 1 + 5 * Math.Sqrt(2.0 / n));
            Assert.InRange(m4, 3 - 5 * Math.Sqrt(96.0 / n), 3 + 5 * Math.Sqrt(96.0 / n));
        }
    }
}
