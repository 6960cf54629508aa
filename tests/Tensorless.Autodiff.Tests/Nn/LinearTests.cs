using Tensorless.Autodiff.Nn;

namespace Tensorless.Autodiff.Tests.Nn;

public class LinearTests
{
    [Fact]
    public void Forward_SmallLayer_MatchesHandComputation()
    {
        var layer = new Linear("actor.0", inFeatures: 2, outFeatures: 3, new Xoshiro256(1));
        // W = [[1, 2], [-1, 0.5], [0, 3]], b = [0.1, -0.2, 0.3]
        new double[] { 1, 2, -1, 0.5, 0, 3 }.CopyTo(layer.Weight.Data);
        new double[] { 0.1, -0.2, 0.3 }.CopyTo(layer.Bias!.Data);
        var x = Tensor.FromValues(2, 2, [1, -1, 2, 4]);
        var y = layer.Forward(new Tape(recording: false), x);

        // Row 0, x = (1, -1): (1 - 2 + 0.1, -1 - 0.5 - 0.2, 0 - 3 + 0.3); row 1, x = (2, 4): (2 + 8 + 0.1, -2 + 2 - 0.2, 0 + 12 + 0.3).
        Assert.Equal(2, y.Rows);
        Assert.Equal(3, y.Cols);
        double[] expected = [-0.9, -1.7, -2.7, 10.1, -0.2, 12.3];
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], y.Data[i], 1e-12);
        }
    }

    [Fact]
    public void Forward_NoBias_IsPlainProduct()
    {
        var layer = new Linear("l", 2, 1, new Xoshiro256(1), bias: false);
        new double[] { 3, -2 }.CopyTo(layer.Weight.Data);
        var y = layer.Forward(new Tape(recording: false), Tensor.FromValues(1, 2, [5, 7]));
        Assert.Null(layer.Bias);
        Assert.Single(layer.Parameters);
        Assert.Equal(1.0, y.Data[0], 1e-12); // 3*5 - 2*7
    }

    [Fact]
    public void Backward_SumOfOutputs_GivesBatchCountForBiasAndColumnSumsForWeight()
    {
        var layer = new Linear("l", 2, 2, new Xoshiro256(3));
        var tape = new Tape();
        var x = Tensor.FromValues(3, 2, [1, 2, 3, 4, 5, 6]);
        tape.Backward(tape.Sum(layer.Forward(tape, x)));
        // d(sum)/db_o = batch size; d(sum)/dW[o, i] = sum over rows of x[:, i].
        Assert.Equal([3.0, 3.0], layer.Bias!.Grad.ToArray());
        Assert.Equal([9.0, 12.0, 9.0, 12.0], layer.Weight.Grad.ToArray());
    }

    [Fact]
    public void Parameters_HaveDottedNamesAndPyTorchCheckpointShapes()
    {
        var layer = new Linear("critic.2", 5, 7, new Xoshiro256(1));
        var ps = layer.Parameters;
        Assert.Equal(2, ps.Count);
        Assert.Equal("critic.2.weight", ps[0].Name);
        Assert.Equal("critic.2.bias", ps[1].Name);
        Assert.Equal([7, 5], ps.CheckpointShape(0));
        Assert.Equal([7], ps.CheckpointShape(1));
        Assert.Equal(7 * 5 + 7, ps.TotalLength);
        Assert.Equal("weight", new Linear("", 1, 1, new Xoshiro256(1)).Weight.Name);
    }

    [Fact]
    public void Init_PyTorchDefault_WithinBoundsWithUniformMoments()
    {
        const int fanIn = 64;
        var layer = new Linear("l", fanIn, 512, new Xoshiro256(42));
        double bound = 1.0 / Math.Sqrt(fanIn);
        var w = layer.Weight.Data.ToArray();
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.All(layer.Bias!.Data.ToArray(), v => Assert.InRange(v, -bound, bound));

        // U(-b, b): mean 0, variance b^2 / 3; with n = 32768 draws the standard errors are about 0.004 b and 0.003 b^2.
        double mean = w.Average();
        double variance = w.Select(v => (v - mean) * (v - mean)).Average();
        Assert.InRange(mean, -0.02 * bound, 0.02 * bound);
        Assert.InRange(variance, bound * bound / 3 * 0.97, bound * bound / 3 * 1.03);
        Assert.True(w.Max() > 0.99 * bound && w.Min() < -0.99 * bound, "draws should reach near both bounds");
    }

    [Fact]
    public void Init_SameSeed_SameWeights_DifferentSeed_Different()
    {
        var a = new Linear("l", 4, 3, new Xoshiro256(7));
        var b = new Linear("l", 4, 3, new Xoshiro256(7));
        var c = new Linear("l", 4, 3, new Xoshiro256(8));
        Assert.Equal(a.Weight.Data.ToArray(), b.Weight.Data.ToArray());
        Assert.Equal(a.Bias!.Data.ToArray(), b.Bias!.Data.ToArray());
        Assert.NotEqual(a.Weight.Data.ToArray(), c.Weight.Data.ToArray());
    }

    [Fact]
    public void Constructor_NonPositiveWidth_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Linear("l", 0, 3, new Xoshiro256(1)));
        Assert.Throws<ArgumentException>(() => new Linear("l", 3, -1, new Xoshiro256(1)));
    }

    [Fact]
    public void Forward_WrongInputWidth_Throws()
    {
        var layer = new Linear("l", 3, 2, new Xoshiro256(1));
        Assert.Throws<ArgumentException>(() => layer.Forward(new Tape(false), new Tensor(1, 4)));
    }
}
