using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;
using Tensorless.Tests;

namespace Tensorless.Envs.Tests.Spaces;

public sealed class SpaceTests
{
    [Theory]
    [InlineData(0.0, true)]
    [InlineData(2.0, true)]
    [InlineData(3.0, false)]
    [InlineData(-1.0, false)]
    [InlineData(1.5, false)]
    [InlineData(double.NaN, false)]
    [InlineData(double.PositiveInfinity, false)]
    public void Discrete_Contains_OnlyIntegersInRange(double value, bool expected)
    {
        var space = new Discrete(3);
        Assert.Equal(expected, space.Contains([value]));
    }

    [Fact]
    public void Discrete_ContainsWrongLength_False()
    {
        Assert.False(new Discrete(3).Contains([0.0, 1.0]));
        Assert.False(new Discrete(3).Contains([]));
    }

    [Fact]
    public void Discrete_NonPositiveN_Throws() => Assert.Throws<ArgumentOutOfRangeException>(() => new Discrete(0));

    [Fact]
    public void Box_Contains_ChecksEveryBoundLengthAndNaN()
    {
        var box = new Box([-1.0, double.NegativeInfinity], [1.0, 5.0], [2]);
        Assert.True(box.Contains([-1.0, -1e300]));
        Assert.True(box.Contains([1.0, 5.0]));
        Assert.False(box.Contains([1.0000001, 0.0]));
        Assert.False(box.Contains([0.0, 5.5]));
        Assert.False(box.Contains([double.NaN, 0.0]));
        Assert.False(box.Contains([0.0]));
        Assert.False(box.Contains([0.0, 0.0, 0.0]));
    }

    [Fact]
    public void Box_InvalidBounds_Throw()
    {
        Assert.Throws<ArgumentException>(() => new Box([1.0], [0.0], [1]));
        Assert.Throws<ArgumentException>(() => new Box([0.0, 0.0], [1.0, 1.0], [3]));
        Assert.Throws<ArgumentException>(() => new Box([double.NaN], [1.0], [1]));
    }

    [Fact]
    public void Space_ToString_IsGymnasiumStyle()
    {
        Assert.Equal("Discrete(2)", new Discrete(2).ToString());
        Assert.Equal("Box(-2, 2, (1,))", new Box(-2, 2, 1).ToString());
        Assert.Equal("Box([-1, -inf], [1, inf], (2,))", new Box([-1.0, double.NegativeInfinity], [1.0, double.PositiveInfinity], [2]).ToString());
        Assert.Equal("Box(-1, 1, (2, 3))", new Box(-1, 1, 2, 3).ToString());
    }

    [Fact]
    public void Box_Equality_ComparesValues()
    {
        Assert.Equal(new Box(-2, 2, 1), new Box([-2.0], [2.0], [1]));
        Assert.NotEqual(new Box(-2, 2, 1), new Box(-1, 2, 1));
        Assert.Equal(new Box(-2, 2, 1).GetHashCode(), new Box([-2.0], [2.0], [1]).GetHashCode());
    }

    [Fact]
    public void Sample_AnyBuiltInSpaceAndSeed_IsContained()
    {
        var spaces = Gym.Specs.Take(7).SelectMany(s => new[] { s.ObservationSpace, s.ActionSpace }).ToArray();
        SeededProperty.Check(s =>
        {
            // spread the drawn seed over the 64-bit range (Knuth's multiplicative hash)
            ulong seed = (ulong)s * 2654435761UL;
            var rng = new Pcg64(seed);
            foreach (var space in spaces)
            {
                var x = space.Sample(rng);
                if (!space.Contains(x))
                {
                    throw new InvalidOperationException($"seed {seed}: {space} sampled [{string.Join(", ", x)}], which it does not contain");
                }
            }
        });
    }

    [Fact]
    public void DiscreteSample_ManyDraws_HitsEveryValueRoughlyEvenly()
    {
        var rng = new Pcg64(123);
        var space = new Discrete(5);
        var counts = new int[5];
        for (int i = 0; i < 50_000; i++)
        {
            counts[(int)space.Sample(rng)[0]]++;
        }

        Assert.All(counts, c => Assert.InRange(c, 9_500, 10_500));
    }
}
