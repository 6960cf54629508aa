using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>Element-wise sum of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Add(Tensor a, Tensor b)
    {
        SameShape(nameof(Add), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        ElementwiseKernels.Add(a.Data, b.Data, y.Data);
        Record(OpKind.Add, y, a, b);
        return y;
    }

    /// <summary>Element-wise difference <c>a - b</c> of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Sub(Tensor a, Tensor b)
    {
        SameShape(nameof(Sub), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        ElementwiseKernels.Subtract(a.Data, b.Data, y.Data);
        Record(OpKind.Sub, y, a, b);
        return y;
    }

    /// <summary>Element-wise product of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Mul(Tensor a, Tensor b)
    {
        SameShape(nameof(Mul), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        ElementwiseKernels.Multiply(a.Data, b.Data, y.Data);
        Record(OpKind.Mul, y, a, b);
        return y;
    }

    /// <summary>Element-wise quotient <c>a / b</c> of two tensors of the same shape.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Div(Tensor a, Tensor b)
    {
        SameShape(nameof(Div), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        ElementwiseKernels.Divide(a.Data, b.Data, y.Data);
        Record(OpKind.Div, y, a, b);
        return y;
    }

    /// <summary>Multiplies every element by a constant: <c>out = c * a</c>.</summary>
    public Tensor Scale(Tensor a, double c)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        ElementwiseKernels.Scale(a.Data, c, y.Data);
        Record(OpKind.Scale, y, a, s0: c);
        return y;
    }

    /// <summary>Adds a constant to every element: <c>out = a + c</c>.</summary>
    public Tensor AddScalar(Tensor a, double c)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        ElementwiseKernels.AddScalar(a.Data, c, y.Data);
        Record(OpKind.AddScalar, y, a);
        return y;
    }

    /// <summary>Element-wise square, <c>a * a</c>.</summary>
    public Tensor Square(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        ElementwiseKernels.Square(a.Data, y.Data);
        Record(OpKind.Square, y, a);
        return y;
    }

    /// <summary>Element-wise hyperbolic tangent.</summary>
    public Tensor Tanh(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        ElementwiseKernels.Tanh(a.Data, y.Data);
        Record(OpKind.Tanh, y, a);
        return y;
    }

    /// <summary>Element-wise rectifier, <c>max(a, 0)</c>.</summary>
    public Tensor Relu(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        ElementwiseKernels.Relu(a.Data, y.Data);
        Record(OpKind.Relu, y, a);
        return y;
    }

    /// <summary>Element-wise exponential.</summary>
    public Tensor Exp(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        ElementwiseKernels.Exp(a.Data, y.Data);
        Record(OpKind.Exp, y, a);
        return y;
    }

    /// <summary>Element-wise natural logarithm.</summary>
    public Tensor Log(Tensor a)
    {
        var y = Output(a.Rows, a.Cols, a.RequiresGrad);
        ElementwiseKernels.Log(a.Data, y.Data);
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
        ElementwiseKernels.Clamp(a.Data, min, max, y.Data);
        Record(OpKind.Clamp, y, a, s0: min, s1: max);
        return y;
    }

    /// <summary>Element-wise minimum of two tensors of the same shape; ties split the gradient equally, as PyTorch does.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Minimum(Tensor a, Tensor b)
    {
        SameShape(nameof(Minimum), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        ElementwiseKernels.Minimum(a.Data, b.Data, y.Data);
        Record(OpKind.Minimum, y, a, b);
        return y;
    }

    /// <summary>Element-wise maximum of two tensors of the same shape; ties split the gradient equally, as PyTorch does.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Maximum(Tensor a, Tensor b)
    {
        SameShape(nameof(Maximum), a, b);
        var y = Output(a.Rows, a.Cols, a.RequiresGrad || b.RequiresGrad);
        ElementwiseKernels.Maximum(a.Data, b.Data, y.Data);
        Record(OpKind.Maximum, y, a, b);
        return y;
    }

    private static void BackwardAdd(ref Node node)
    {
        var g = node.Out.Grad;
        if (node.A!.RequiresGrad)
        {
            ElementwiseKernels.Accumulate(g, node.A.Grad);
        }

        if (node.B!.RequiresGrad)
        {
            ElementwiseKernels.Accumulate(g, node.B.Grad);
        }
    }

    private static void BackwardSub(ref Node node)
    {
        var g = node.Out.Grad;
        if (node.A!.RequiresGrad)
        {
            ElementwiseKernels.Accumulate(g, node.A.Grad);
        }

        if (node.B!.RequiresGrad)
        {
            ElementwiseKernels.AccumulateNegated(g, node.B.Grad);
        }
    }

    // d(ab)/da = g b, d(ab)/db = g a
    private static void BackwardMul(ref Node node)
    {
        var g = node.Out.Grad;
        Tensor a = node.A!, b = node.B!;
        if (a.RequiresGrad)
        {
            ElementwiseKernels.AccumulateProductFused(g, b.Data, a.Grad);
        }

        if (b.RequiresGrad)
        {
            ElementwiseKernels.AccumulateProductFused(g, a.Data, b.Grad);
        }
    }

    // d(a/b)/da = g / b, d(a/b)/db = -g a / b^2 = -g y / b
    private static void BackwardDiv(ref Node node)
    {
        var g = node.Out.Grad;
        Tensor a = node.A!, b = node.B!;
        if (a.RequiresGrad)
        {
            GradientKernels.Accumulate(g, b.Data, a.Grad, default(QuotientGradient));
        }

        if (b.RequiresGrad)
        {
            GradientKernels.Accumulate(g, node.Out.Data, b.Data, b.Grad, default(QuotientDenominatorGradient));
        }
    }

    private static void BackwardScale(ref Node node) =>
        ElementwiseKernels.AccumulateScaled(node.Out.Grad, node.S0, node.A!.Grad);

    private static void BackwardAddScalar(ref Node node) =>
        ElementwiseKernels.Accumulate(node.Out.Grad, node.A!.Grad);

    // d(a^2)/da = 2 a g
    private static void BackwardSquare(ref Node node) =>
        GradientKernels.Accumulate(node.Out.Grad, node.A!.Data, node.A.Grad, default(SquareGradient));

    // d tanh(a)/da = 1 - y^2
    private static void BackwardTanh(ref Node node) =>
        GradientKernels.Accumulate(node.Out.Grad, node.Out.Data, node.A!.Grad, default(TanhGradient));

    // d relu(a)/da = 1 where a > 0, else 0: a branch-free masked add (random signs defeat the branch predictor)
    private static void BackwardRelu(ref Node node) =>
        GradientKernels.Accumulate(node.Out.Grad, node.A!.Data, node.A.Grad, default(ReluGradient));

    // d exp(a)/da = y
    private static void BackwardExp(ref Node node) =>
        ElementwiseKernels.AccumulateProductFused(node.Out.Grad, node.Out.Data, node.A!.Grad);

    // d log(a)/da = 1 / a
    private static void BackwardLog(ref Node node) =>
        GradientKernels.Accumulate(node.Out.Grad, node.A!.Data, node.A.Grad, default(QuotientGradient));

    // the gradient passes where min <= a <= max
    private static void BackwardClamp(ref Node node) =>
        GradientKernels.Accumulate(node.Out.Grad, node.A!.Data, node.A.Grad, new ClampGradient(node.S0, node.S1));

    private static void BackwardMinMax(ref Node node, bool minimum)
    {
        Tensor a = node.A!, b = node.B!;
        GradientKernels.MinMax(
            node.Out.Grad, a.Data, b.Data, a.RequiresGrad ? a.Grad : default, b.RequiresGrad ? b.Grad : default, minimum);
    }
}
