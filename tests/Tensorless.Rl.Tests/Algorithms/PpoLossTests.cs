using Tensorless.Autodiff;
using Tensorless.Tests;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>PPO's fused clipped surrogate against the same loss composed from plain ops, as eq. 7 of the paper reads.</summary>
public class PpoLossTests
{
    [Fact]
    public void ClippedSurrogate_FusedAndComposed_SameValueAndGradient() => SeededProperty.Check(seed =>
    {
        var rng = new Xoshiro256((ulong)seed);
        int n = 1 + rng.NextInt(40);
        double clip = 0.05 + 0.4 * rng.NextDouble();
        var oldLogProb = new Tensor(n, 1);
        var advantages = new Tensor(n, 1);
        var logProbData = new double[n];
        rng.FillUniform(oldLogProb.Data, -3, 0);
        rng.FillGaussian(advantages.Data);
        for (int i = 0; i < n; i++)
        {
            // ratios inside and outside [1 - clip, 1 + clip], on both sides
            logProbData[i] = oldLogProb.Data[i] + (rng.NextDouble() - 0.5);
        }

        var (fusedValue, fusedGrad) = Evaluate(logProbData, (tape, lp) => Ppo.ClippedSurrogate(tape, lp, oldLogProb, advantages, clip));
        var (composedValue, composedGrad) = Evaluate(logProbData, (tape, lp) => Ppo.ClippedSurrogateComposed(tape, lp, oldLogProb, advantages, clip));
        // the fused op sums the same terms in one pass, the composed loss through Mean: equal up to the rounding of that sum
        Assert.True(Close(composedValue, fusedValue), $"value: composed {composedValue:R}, fused {fusedValue:R}");
        for (int i = 0; i < n; i++)
        {
            Assert.True(Close(composedGrad[i], fusedGrad[i]), $"gradient {i}: composed {composedGrad[i]:R}, fused {fusedGrad[i]:R}");
        }
    }, cases: 200);

    private static bool Close(double a, double b) => Math.Abs(a - b) <= 1e-13 * Math.Max(1.0, Math.Abs(a));

    private static (double Value, double[] Gradient) Evaluate(double[] logProbData, Func<Tape, Tensor, Tensor> loss)
    {
        var tape = new Tape();
        var logProb = new Tensor(logProbData.Length, 1, requiresGrad: true);
        logProbData.CopyTo(logProb.Data);
        var y = loss(tape, logProb);
        tape.Backward(y);
        return (y.Data[0], logProb.Grad.ToArray());
    }
}
