using Tensorless.Autodiff.Nn;
using Tensorless.Autodiff.Tests.Kernels;

namespace Tensorless.Autodiff.Tests.Nn;

/// <summary>
/// <see cref="Mlp.ForwardWithTangent"/>: the output is Forward's to the bit, and the tangent J v is the adjoint of the
/// backward pass (<c>u^T (J v) = (J^T u)^T v</c> for any u, v, to rounding) and agrees with a central difference.
/// </summary>
public class MlpTangentTests
{
    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    [InlineData(Activation.Identity)]
    public void ForwardWithTangent_IsTheAdjointOfBackward(Activation activation)
    {
        var rng = new Xoshiro256(31);
        var mlp = new Mlp("net", [3, 7, 5, 2], activation, rng);
        int rows = 6;
        var x = FisherKernelsTests.Random(rng, rows * 3, 1.0);
        var v = FisherKernelsTests.Random(rng, mlp.Parameters.TotalLength, 1.0);
        var u = FisherKernelsTests.Random(rng, rows * 2, 1.0);

        var tape = new Tape();
        var y = mlp.ForwardWithTangent(tape, tape.Constant(x, rows, 3), v, out var jv);
        var plain = mlp.Forward(new Tape(recording: false), new Tape(recording: false).Constant(x, rows, 3));
        Assert.Equal(plain.ToArray(), y.ToArray());

        double uJv = 0;
        for (int i = 0; i < u.Length; i++)
        {
            uJv += u[i] * jv.Data[i];
        }

        mlp.Parameters.ZeroGrad();
        tape.Backward(tape.Sum(tape.Mul(y, tape.Constant(u, rows, 2))));
        var jtu = new double[mlp.Parameters.TotalLength];
        mlp.Parameters.CopyGradsTo(jtu);
        double jtuV = 0;
        for (int i = 0; i < v.Length; i++)
        {
            jtuV += jtu[i] * v[i];
        }

        Assert.Equal(jtuV, uJv, 1e-12 * Math.Max(1, Math.Abs(jtuV)));
    }

    [Fact]
    public void ForwardWithTangent_MatchesCentralDifference()
    {
        var rng = new Xoshiro256(32);
        var mlp = new Mlp("net", [4, 6, 3], Activation.Tanh, rng);
        var x = FisherKernelsTests.Random(rng, 2 * 4, 1.0);
        var v = FisherKernelsTests.Random(rng, mlp.Parameters.TotalLength, 1.0);
        var tape = new Tape(recording: false);
        mlp.ForwardWithTangent(tape, tape.Constant(x, 2, 4), v, out var jv);
        var theta = new double[v.Length];
        mlp.Parameters.CopyValuesTo(theta);
        const double h = 1e-5;
        double[] Shifted(double s)
        {
            var t = new double[theta.Length];
            for (int i = 0; i < t.Length; i++)
            {
                t[i] = theta[i] + s * v[i];
            }

            mlp.Parameters.CopyValuesFrom(t);
            var tp = new Tape(recording: false);
            return mlp.Forward(tp, tp.Constant(x, 2, 4)).ToArray();
        }

        var plus = Shifted(h);
        var minus = Shifted(-h);
        for (int i = 0; i < plus.Length; i++)
        {
            Assert.Equal((plus[i] - minus[i]) / (2 * h), jv.Data[i], 1e-7);
        }
    }

    [Fact]
    public void ForwardWithTangent_WrongTangentLength_NamesIt()
    {
        var mlp = new Mlp("net", [2, 2], Activation.Tanh, new Xoshiro256(1));
        var tape = new Tape();
        var ex = Assert.Throws<ArgumentException>(() => mlp.ForwardWithTangent(tape, tape.Constant(new double[2], 1, 2), new double[3], out _));
        Assert.Contains("tangent", ex.Message);
    }
}
