using FsCheck;
using FsCheck.Fluent;
using Tensorless.Autodiff;
using Tensorless.Tests;

namespace Tensorless.Autodiff.Tests.Gradients;

/// <summary>
/// Compares the tape's gradients with central finite differences. The loss is rebuilt from scratch for every perturbed
/// value, so the check covers the forward pass, the recording and every backward rule involved.
/// </summary>
internal static class GradientCheck
{
    /// <summary>Finite-difference step, as the issue asks (about 1e-6).</summary>
    public const double Step = 1e-6;

    /// <summary>Allowed error relative to max(1, |gradient|): central differences in double reach about 1e-9 here.</summary>
    public const double Tolerance = 1e-6;

    /// <summary>Number of random cases per property.</summary>
    public const int Cases = 60;

    /// <summary>A random shape in 1..9 x 1..9 (so SIMD remainders are hit) and a seed for the values.</summary>
    public static readonly Gen<(int Rows, int Cols, ulong Seed)> Shapes =
        from r in Gen.Choose(1, 9)
        from c in Gen.Choose(1, 9)
        from s in Gen.Choose(0, int.MaxValue)
        select (r, c, (ulong)s);

    /// <summary>Runs <paramref name="property"/> on <see cref="Cases"/> random cases (the shared runner, which names the failing case).</summary>
    public static void ForAll<T>(Gen<T> gen, Action<T> property) => SeededProperty.ForAll(gen, property, Cases);

    /// <summary>A leaf tensor that requires a gradient, filled with uniform values in [low, high).</summary>
    public static Tensor Leaf(Xoshiro256 rng, int rows, int cols, double low = -2, double high = 2)
    {
        var t = new Tensor(rows, cols, requiresGrad: true);
        rng.FillUniform(t.Data, low, high);
        return t;
    }

    /// <summary>A constant tensor (no gradient) with uniform values in [low, high).</summary>
    public static Tensor Constant(Xoshiro256 rng, int rows, int cols, double low = -2, double high = 2)
    {
        var t = new Tensor(rows, cols);
        rng.FillUniform(t.Data, low, high);
        return t;
    }

    /// <summary>
    /// Reduces any output to a scalar with fixed random weights, <c>sum(w * y)</c>, so every element's gradient is
    /// exercised with a different upstream value.
    /// </summary>
    public static Tensor WeightedSum(Tape tape, Tensor y, ulong seed)
    {
        var w = new Xoshiro256(seed ^ 0x5EEDUL);
        var weights = tape.Workspace.Allocate(y.Rows, y.Cols);
        w.FillUniform(weights.Data, -1.5, 1.5);
        return tape.Sum(tape.Mul(y, weights));
    }

    /// <summary>
    /// Checks d loss / d input for every element of every input that requires a gradient. <paramref name="loss"/> builds a
    /// 1x1 loss on the tape it is given from the inputs' current values.
    /// </summary>
    public static void AssertGradients(Func<Tape, Tensor> loss, params Tensor[] inputs)
    {
        var tape = new Tape();
        foreach (var input in inputs)
        {
            input.ZeroGrad();
        }

        var l = loss(tape);
        tape.Backward(l);
        var analytic = inputs.Select(i => i.RequiresGrad ? i.Grad.ToArray() : []).ToArray();

        var probe = new Tape(recording: false);
        for (int k = 0; k < inputs.Length; k++)
        {
            if (!inputs[k].RequiresGrad)
            {
                continue;
            }

            var data = inputs[k].Data;
            for (int i = 0; i < data.Length; i++)
            {
                double saved = data[i];
                data[i] = saved + Step;
                probe.Reset();
                double plus = loss(probe).Data[0];
                data[i] = saved - Step;
                probe.Reset();
                double minus = loss(probe).Data[0];
                data[i] = saved;
                double numeric = (plus - minus) / (2 * Step);
                double a = analytic[k][i];
                double error = Math.Abs(a - numeric) / Math.Max(1.0, Math.Max(Math.Abs(a), Math.Abs(numeric)));
                if (!(error <= Tolerance))
                {
                    throw new Xunit.Sdk.XunitException(
                        $"Input {k} {inputs[k].ShapeText}, element {i}: tape gradient {a:R}, finite difference {numeric:R} (relative error {error:E2}).");
                }
            }
        }
    }
}
