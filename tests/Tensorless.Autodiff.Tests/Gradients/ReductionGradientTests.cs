using Tensorless.Autodiff;
using static Tensorless.Autodiff.Tests.Gradients.GradientCheck;

namespace Tensorless.Autodiff.Tests.Gradients;

public class ReductionGradientTests
{
    [Fact]
    public void Sum_RandomShapes_MatchesFiniteDifferences() => Check((t, a) => t.Scale(t.Square(t.Sum(a)), 0.5));

    [Fact]
    public void Mean_RandomShapes_MatchesFiniteDifferences() => Check((t, a) => t.Square(t.Mean(a)));

    [Fact]
    public void SumRows_RandomShapes_MatchesFiniteDifferences() => Check((t, a) => t.SumRows(a), weighted: true);

    [Fact]
    public void MeanRows_RandomShapes_MatchesFiniteDifferences() => Check((t, a) => t.MeanRows(a), weighted: true);

    [Fact]
    public void LogSoftmax_RandomShapes_MatchesFiniteDifferences() => Check((t, a) => t.LogSoftmax(a), weighted: true);

    [Fact]
    public void Gather_RandomIndices_MatchesFiniteDifferences() =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var a = Leaf(rng, s.Rows, s.Cols);
            var idx = new Tensor(s.Rows, 1);
            for (int r = 0; r < s.Rows; r++)
            {
                idx.Data[r] = rng.NextInt(s.Cols);
            }

            AssertGradients(t => WeightedSum(t, t.Gather(a, idx), s.Seed), a);
        });

    [Fact]
    public void LogSoftmax_LargeLogits_StaysFinite()
    {
        var y = new Tape(recording: false).LogSoftmax(Tensor.FromValues(1, 3, [1000, 1000, -1000]));
        Assert.Equal(-Math.Log(2), y.Data[0], 1e-12);
        Assert.Equal(-2000 - Math.Log(2), y.Data[2], 1e-9);
    }

    [Fact]
    public void Gather_IndexOutOfRange_NamesRowAndValue()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Tape().Gather(new Tensor(2, 3), Tensor.FromValues(2, 1, [0, 3])));
        Assert.Contains("row 1", ex.Message);
        Assert.Contains("[0, 3)", ex.Message);
    }

    [Fact]
    public void Gather_FractionalIndex_Throws() =>
        Assert.Throws<ArgumentException>(() => new Tape().Gather(new Tensor(1, 3), Tensor.FromValues(1, 1, [1.5])));

    private static void Check(Func<Tape, Tensor, Tensor> op, bool weighted = false) =>
        ForAll(Shapes, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var a = Leaf(rng, s.Rows, s.Cols);
            AssertGradients(t => weighted ? WeightedSum(t, op(t, a), s.Seed) : op(t, a), a);
        });
}
