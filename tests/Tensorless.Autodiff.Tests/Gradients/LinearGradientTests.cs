using FsCheck.Fluent;
using Tensorless.Autodiff;
using static Tensorless.Autodiff.Tests.Gradients.GradientCheck;

namespace Tensorless.Autodiff.Tests.Gradients;

public class LinearGradientTests
{
    private static readonly FsCheck.Gen<(int M, int K, int N, ulong Seed)> Dims =
        from m in Gen.Choose(1, 9)
        from k in Gen.Choose(1, 9)
        from n in Gen.Choose(1, 9)
        from s in Gen.Choose(0, int.MaxValue)
        select (m, k, n, (ulong)s);

    [Fact]
    public void MatMul_RandomShapes_MatchesFiniteDifferences() =>
        ForAll(Dims, d =>
        {
            var rng = new Xoshiro256(d.Seed);
            var a = Leaf(rng, d.M, d.K);
            var b = Leaf(rng, d.K, d.N);
            AssertGradients(t => WeightedSum(t, t.MatMul(a, b), d.Seed), a, b);
        });

    [Fact]
    public void MatMulTransposeB_RandomShapes_MatchesFiniteDifferences() =>
        ForAll(Dims, d =>
        {
            var rng = new Xoshiro256(d.Seed);
            var a = Leaf(rng, d.M, d.K);
            var b = Leaf(rng, d.N, d.K);
            AssertGradients(t => WeightedSum(t, t.MatMulTransposeB(a, b), d.Seed), a, b);
        });

    [Fact]
    public void Linear_WithAndWithoutBias_MatchesFiniteDifferences() =>
        ForAll(Dims, d =>
        {
            var rng = new Xoshiro256(d.Seed);
            var x = Leaf(rng, d.M, d.K);
            var w = Leaf(rng, d.N, d.K);
            var b = Leaf(rng, 1, d.N);
            AssertGradients(t => WeightedSum(t, t.Linear(x, w, b), d.Seed), x, w, b);
            AssertGradients(t => WeightedSum(t, t.Linear(x, w, null), d.Seed), x, w);
        });

    [Fact]
    public void AddBias_RandomShapes_MatchesFiniteDifferences() =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var x = Leaf(rng, s.Rows, s.Cols);
            var b = Leaf(rng, 1, s.Cols);
            AssertGradients(t => WeightedSum(t, t.AddBias(x, b), s.Seed), x, b);
        });

    [Fact]
    public void Linear_EqualsMatMulOfTransposePlusBias()
    {
        var x = Tensor.FromValues(2, 3, [1, 2, 3, 4, 5, 6]);
        var w = Tensor.FromValues(2, 3, [1, 0, -1, 0.5, 0.5, 0.5]);
        var b = Tensor.FromValues(1, 2, [10, -10]);
        var y = new Tape(recording: false).Linear(x, w, b);
        Assert.Equal([1 - 3 + 10, 3 - 10, 4 - 6 + 10, 7.5 - 10], y.ToArray());
    }

    [Fact]
    public void LinearTransposedWeight_EqualsLinearBitForBit_AndRefusesRecording()
    {
        var rng = new Xoshiro256(3);
        var x = new Tensor(7, 5);
        var w = new Tensor(9, 5);
        var b = new Tensor(1, 9);
        rng.FillUniform(x.Data, -1, 1);
        rng.FillUniform(w.Data, -1, 1);
        rng.FillUniform(b.Data, -1, 1);
        var wt = new Tensor(5, 9);
        for (int o = 0; o < 9; o++)
        {
            for (int i = 0; i < 5; i++)
            {
                wt[i, o] = w[o, i];
            }
        }

        var tape = new Tape(recording: false);
        Assert.Equal(tape.Linear(x, w, b).ToArray(), tape.LinearTransposedWeight(x, wt, b).ToArray());
        Assert.Equal(tape.Linear(x, w, null).ToArray(), tape.LinearTransposedWeight(x, wt, null).ToArray());
        Assert.Throws<InvalidOperationException>(() => new Tape().LinearTransposedWeight(x, wt, b));
    }

    [Fact]
    public void MatMul_InnerDimensionMismatch_NamesShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Tape().MatMul(new Tensor(2, 3), new Tensor(4, 5)));
        Assert.Contains("[2x3] * [4x5]", ex.Message);
    }

    [Fact]
    public void Linear_WrongBias_NamesExpectedShape()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Tape().Linear(new Tensor(2, 3), new Tensor(4, 3), new Tensor(1, 3)));
        Assert.Contains("[1x4]", ex.Message);
    }
}
