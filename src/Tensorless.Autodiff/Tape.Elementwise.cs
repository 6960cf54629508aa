using System.Numerics;
using System.Numerics.Tensors;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>Element-wise sum of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Add(Tensor a, Tensor b)
    {
        SameShape(nameof(Add), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        TensorPrimitives.Add(a.Data, b.Data, y.Data);
        Record(OpKind.Add, y, a, b);
        return y;
    }

    /// <summary>Element-wise difference <c>a - b</c> of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Sub(Tensor a, Tensor b)
    {
        SameShape(nameof(Sub), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        TensorPrimitives.Subtract(a.Data, b.Data, y.Data);
        Record(OpKind.Sub, y, a, b);
        return y;
    }

    /// <summary>Element-wise product of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Mul(Tensor a, Tensor b)
    {
        SameShape(nameof(Mul), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        TensorPrimitives.Multiply(a.Data, b.Data, y.Data);
        Record(OpKind.Mul, y, a, b);
        return y;
    }

    /// <summary>Element-wise quotient <c>a / b</c> of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Div(Tensor a, Tensor b)
    {
        SameShape(nameof(Div), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        TensorPrimitives.Divide(a.Data, b.Data, y.Data);
        Record(OpKind.Div, y, a, b);
        return y;
    }

    /// <summary>Multiplies every element by a constant: <c>out = c * a</c>.</summary>
    public Tensor Scale(Tensor a, double c)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        TensorPrimitives.Multiply(a.Data, c, y.Data);
        Record(OpKind.Scale, y, a, s0: c);
        return y;
    }

    /// <summary>Adds a constant to every element: <c>out = a + c</c>.</summary>
    public Tensor AddScalar(Tensor a, double c)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        TensorPrimitives.Add(a.Data, c, y.Data);
        Record(OpKind.AddScalar, y, a);
        return y;
    }

    /// <summary>Element-wise square, <c>a * a</c>.</summary>
    public Tensor Square(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        TensorPrimitives.Multiply(a.Data, a.Data, y.Data);
        Record(OpKind.Square, y, a);
        return y;
    }

    /// <summary>Element-wise hyperbolic tangent.</summary>
    public Tensor Tanh(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        TensorPrimitives.Tanh(a.Data, y.Data);
        Record(OpKind.Tanh, y, a);
        return y;
    }

    /// <summary>Element-wise rectifier, <c>max(a, 0)</c>.</summary>
    public Tensor Relu(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        TensorPrimitives.Max(a.Data, 0.0, y.Data);
        Record(OpKind.Relu, y, a);
        return y;
    }

    /// <summary>Element-wise exponential.</summary>
    public Tensor Exp(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        TensorPrimitives.Exp(a.Data, y.Data);
        Record(OpKind.Exp, y, a);
        return y;
    }

    /// <summary>Element-wise natural logarithm.</summary>
    public Tensor Log(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        TensorPrimitives.Log(a.Data, y.Data);
        Record(OpKind.Log, y, a);
        return y;
    }

    /// <summary>Element-wise clamp to [min, max]; the gradient passes where min &lt;= a &lt;= max, as in PyTorch.</summary>
    /// <exception cref="ArgumentException">min &gt; max or a bound is NaN.</exception>
    public Tensor Clamp(Tensor a, double min, double max)
    {
        if (!(min <= max))
        {
            throw new ArgumentException($"Clamp needs min <= max, got min={min}, max={max}.");
        }

        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        TensorPrimitives.Clamp(a.Data, min, max, y.Data);
        Record(OpKind.Clamp, y, a, s0: min, s1: max);
        return y;
    }

    /// <summary>Element-wise minimum of two tensors of the same shape; ties split the gradient equally, as PyTorch does.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Minimum(Tensor a, Tensor b)
    {
        SameShape(nameof(Minimum), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        TensorPrimitives.Min(a.Data, b.Data, y.Data);
        Record(OpKind.Minimum, y, a, b);
        return y;
    }

    /// <summary>Element-wise maximum of two tensors of the same shape; ties split the gradient equally, as PyTorch does.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Maximum(Tensor a, Tensor b)
    {
        SameShape(nameof(Maximum), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        TensorPrimitives.Max(a.Data, b.Data, y.Data);
        Record(OpKind.Maximum, y, a, b);
        return y;
    }

    private static void BackwardAdd(ref Node node)
    {
        var g = node.Out.Grad;
        if (node.A!.RequiresGrad)
        {
            TensorPrimitives.Add(node.A.Grad, g, node.A.Grad);
        }

        if (node.B!.RequiresGrad)
        {
            TensorPrimitives.Add(node.B.Grad, g, node.B.Grad);
        }
    }

    private static void BackwardSub(ref Node node)
    {
        var g = node.Out.Grad;
        if (node.A!.RequiresGrad)
        {
            TensorPrimitives.Add(node.A.Grad, g, node.A.Grad);
        }

        if (node.B!.RequiresGrad)
        {
            TensorPrimitives.Subtract(node.B.Grad, g, node.B.Grad);
        }
    }

    // d(ab)/da = g b, d(ab)/db = g a
    private static void BackwardMul(ref Node node)
    {
        var g = node.Out.Grad;
        Tensor a = node.A!, b = node.B!;
        if (a.RequiresGrad)
        {
            TensorPrimitives.FusedMultiplyAdd(g, b.Data, a.Grad, a.Grad);
        }

        if (b.RequiresGrad)
        {
            TensorPrimitives.FusedMultiplyAdd(g, a.Data, b.Grad, b.Grad);
        }
    }

    // d(a/b)/da = g / b, d(a/b)/db = -g a / b^2 = -g y / b
    private static void BackwardDiv(ref Node node)
    {
        var g = node.Out.Grad;
        var y = node.Out.Data;
        Tensor a = node.A!, b = node.B!;
        var bd = b.Data;
        if (a.RequiresGrad)
        {
            var ga = a.Grad;
            for (int i = 0; i < ga.Length; i++)
            {
                ga[i] += g[i] / bd[i];
            }
        }

        if (b.RequiresGrad)
        {
            var gb = b.Grad;
            for (int i = 0; i < gb.Length; i++)
            {
                gb[i] -= g[i] * y[i] / bd[i];
            }
        }
    }

    private static void BackwardScale(ref Node node) =>
        TensorPrimitives.MultiplyAdd(node.Out.Grad, node.S0, node.A!.Grad, node.A.Grad);

    private static void BackwardAddScalar(ref Node node) =>
        TensorPrimitives.Add(node.A!.Grad, node.Out.Grad, node.A.Grad);

    // d(a^2)/da = 2 a g
    private static void BackwardSquare(ref Node node)
    {
        var g = node.Out.Grad;
        var a = node.A!.Data;
        var ga = node.A.Grad;
        for (int i = 0; i < ga.Length; i++)
        {
            ga[i] += 2.0 * a[i] * g[i];
        }
    }

    // d tanh(a)/da = 1 - y^2; vector and scalar lanes do the same operations in the same order, so the bits match
    private static void BackwardTanh(ref Node node)
    {
        var g = node.Out.Grad;
        var y = node.Out.Data;
        var ga = node.A!.Grad;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var one = Vector<double>.One;
            for (; i + Vector<double>.Count <= ga.Length; i += Vector<double>.Count)
            {
                var yv = new Vector<double>(y.Slice(i));
                (new Vector<double>(ga.Slice(i)) + new Vector<double>(g.Slice(i)) * (one - yv * yv)).CopyTo(ga.Slice(i));
            }
        }

        for (; i < ga.Length; i++)
        {
            ga[i] += g[i] * (1.0 - y[i] * y[i]);
        }
    }

    // d relu(a)/da = 1 where a > 0, else 0: a branch-free masked add (random signs defeat the branch predictor)
    private static void BackwardRelu(ref Node node)
    {
        var g = node.Out.Grad;
        var a = node.A!.Data;
        var ga = node.A.Grad;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<double>.Count <= ga.Length; i += Vector<double>.Count)
            {
                var mask = Vector.GreaterThan(new Vector<double>(a.Slice(i)), Vector<double>.Zero);
                (new Vector<double>(ga.Slice(i)) + Vector.ConditionalSelect(mask, new Vector<double>(g.Slice(i)), Vector<double>.Zero)).CopyTo(ga.Slice(i));
            }
        }

        for (; i < ga.Length; i++)
        {
            ga[i] += a[i] > 0 ? g[i] : 0.0;
        }
    }

    // d exp(a)/da = y
    private static void BackwardExp(ref Node node) =>
        TensorPrimitives.FusedMultiplyAdd(node.Out.Grad, node.Out.Data, node.A!.Grad, node.A.Grad);

    // d log(a)/da = 1 / a
    private static void BackwardLog(ref Node node)
    {
        var g = node.Out.Grad;
        var a = node.A!.Data;
        var ga = node.A.Grad;
        for (int i = 0; i < ga.Length; i++)
        {
            ga[i] += g[i] / a[i];
        }
    }

    private static void BackwardClamp(ref Node node)
    {
        var g = node.Out.Grad;
        var a = node.A!.Data;
        var ga = node.A.Grad;
        double min = node.S0, max = node.S1;
        for (int i = 0; i < ga.Length; i++)
        {
            if (a[i] >= min && a[i] <= max)
            {
                ga[i] += g[i];
            }
        }
    }

    private static void BackwardMinMax(ref Node node, bool minimum)
    {
        var g = node.Out.Grad;
        Tensor a = node.A!, b = node.B!;
        var ad = a.Data;
        var bd = b.Data;
        Span<double> ga = a.RequiresGrad ? a.Grad : default;
        Span<double> gb = b.RequiresGrad ? b.Grad : default;
        for (int i = 0; i < g.Length; i++)
        {
            double wa = ad[i] == bd[i] ? 0.5 : (ad[i] < bd[i]) == minimum ? 1.0 : 0.0;
            if (!ga.IsEmpty)
            {
                ga[i] += wa * g[i];
            }

            if (!gb.IsEmpty)
            {
                gb[i] += (1.0 - wa) * g[i];
            }
        }
    }
}
