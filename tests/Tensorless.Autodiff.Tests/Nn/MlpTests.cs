using Tensorless.Autodiff.Nn;

namespace Tensorless.Autodiff.Tests.Nn;

public class MlpTests
{
    private static Mlp TwoTwoOne(Activation activation)
    {
        var mlp = new Mlp("net", [2, 2, 1], activation, new Xoshiro256(1));
        // Layer 0: W = [[1, -1], [0.5, 2]], b = [0, -1]; layer 1: W = [[2, -3]], b = [0.5].
        new double[] { 1, -1, 0.5, 2 }.CopyTo(mlp.Layers[0].Weight.Data);
        new double[] { 0, -1 }.CopyTo(mlp.Layers[0].Bias!.Data);
        new double[] { 2, -3 }.CopyTo(mlp.Layers[1].Weight.Data);
        new double[] { 0.5 }.CopyTo(mlp.Layers[1].Bias!.Data);
        return mlp;
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Identity)]
    public void Forward_TwoLayers_MatchesHandComputation(Activation activation)
    {
        var mlp = TwoTwoOne(activation);
        var x = Tensor.FromValues(2, 2, [1, 3, -2, 0.5]);
        var y = mlp.Forward(new Tape(recording: false), x);

        Func<double, double> f = activation switch
        {
            Activation.Tanh => Math.Tanh,
            Activation.Relu => v => Math.Max(0, v),
            _ => v => v,
        };
        // Hidden pre-activations: x=(1,3): (1-3+0, 0.5+6-1) = (-2, 5.5); x=(-2,0.5): (-2.5, -1+1-1) = (-2.5, -1).
        // The last layer has no activation.
        double Out(double h0, double h1) => 2 * f(h0) - 3 * f(h1) + 0.5;
        Assert.Equal(Out(-2, 5.5), y.Data[0], 1e-12);
        Assert.Equal(Out(-2.5, -1), y.Data[1], 1e-12);
        Assert.Equal([2, 1], new[] { y.Rows, y.Cols });
    }

    [Fact]
    public void Forward_Tanh_KnownValue()
    {
        var y = TwoTwoOne(Activation.Tanh).Forward(new Tape(recording: false), Tensor.FromValues(1, 2, [1, 3]));
        // 2 tanh(-2) - 3 tanh(5.5) + 0.5 = 2(-0.9640275800758169) - 3(0.9999665971563038) + 0.5
        Assert.Equal(-4.427954951620546, y.Data[0], 1e-14);
    }

    [Fact]
    public void Parameters_NamedLikeSequentialWithActivationsAtOddIndices()
    {
        var mlp = new Mlp("actor", [4, 64, 64, 2], Activation.Tanh, new Xoshiro256(1));
        string[] names = mlp.Parameters.Select(p => p.Name).ToArray();
        Assert.Equal(["actor.0.weight", "actor.0.bias", "actor.2.weight", "actor.2.bias", "actor.4.weight", "actor.4.bias"], names);
        Assert.Equal(4 * 64 + 64 + 64 * 64 + 64 + 64 * 2 + 2, mlp.Parameters.TotalLength);
        Assert.Equal([64, 4], mlp.Parameters.CheckpointShape(0));
        Assert.Equal([2], mlp.Parameters.CheckpointShape(5));
        Assert.Equal(4, mlp.InputSize);
        Assert.Equal(2, mlp.OutputSize);
    }

    [Fact]
    public void OrthogonalInit_HiddenGainSqrt2_OutputGain_ZeroBiases()
    {
        var mlp = new Mlp("actor", [4, 64, 64, 2], Activation.Tanh, new Xoshiro256(3), MlpInit.Orthogonal(outputGain: 0.01));
        AssertRowsOrthogonal(mlp.Layers[1].Weight, 2.0);           // 64x64: W W^T = 2 I
        AssertRowsOrthogonal(mlp.Layers[2].Weight, 0.01 * 0.01);   // 2x64: rows orthogonal with gain 0.01
        foreach (var layer in mlp.Layers)
        {
            Assert.All(layer.Bias!.Data.ToArray(), b => Assert.Equal(0.0, b));
        }
    }

    [Fact]
    public void ZeroLastLayer_GivesZeroOutput()
    {
        var init = MlpInit.Orthogonal(1.0) with { ZeroLastLayer = true };
        var mlp = new Mlp("critic", [3, 8, 1], Activation.Relu, new Xoshiro256(3), init);
        var y = mlp.Forward(new Tape(false), Tensor.FromValues(2, 3, [1, 2, 3, -1, 0, 4]));
        Assert.Equal([0.0, 0.0], y.Data.ToArray());
        Assert.Contains(mlp.Layers[0].Weight.Data.ToArray(), v => v != 0);
    }

    [Fact]
    public void SameSeed_SameNetwork()
    {
        var a = new Mlp("m", [3, 5, 2], Activation.Tanh, new Xoshiro256(9), MlpInit.Orthogonal(0.01));
        var b = new Mlp("m", [3, 5, 2], Activation.Tanh, new Xoshiro256(9), MlpInit.Orthogonal(0.01));
        var va = new double[a.Parameters.TotalLength];
        var vb = new double[b.Parameters.TotalLength];
        a.Parameters.CopyValuesTo(va);
        b.Parameters.CopyValuesTo(vb);
        Assert.Equal(va, vb);
    }

    [Fact]
    public void InvalidConfiguration_Throws()
    {
        var rng = new Xoshiro256(1);
        Assert.Throws<ArgumentException>(() => new Mlp("m", [4], Activation.Tanh, rng));
        Assert.Throws<ArgumentException>(() => new Mlp("m", [4, 0, 2], Activation.Tanh, rng));
        Assert.Throws<ArgumentException>(() => new Mlp("m", [4, 2], (Activation)42, rng));
        var ex = Assert.Throws<ArgumentException>(() => new Mlp("m", [4, 2], Activation.Tanh, rng, MlpInit.Orthogonal(-1)));
        Assert.Contains("OutputGain", ex.Message);
        var mlp = new Mlp("m", [4, 2], Activation.Tanh, rng);
        Assert.Throws<ArgumentException>(() => mlp.Forward(new Tape(false), new Tensor(1, 3)));
    }

    private static void AssertRowsOrthogonal(Parameter w, double gainSquared)
    {
        for (int a = 0; a < w.Rows; a++)
        {
            for (int b = 0; b < w.Rows; b++)
            {
                double dot = 0;
                for (int t = 0; t < w.Cols; t++)
                {
                    dot += w.Value[a, t] * w.Value[b, t];
                }

                Assert.Equal(a == b ? gainSquared : 0.0, dot, 1e-10);
            }
        }
    }
}
