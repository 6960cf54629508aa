using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>Matrix product: <c>out[m, n] = a[m, k] * b[k, n]</c>.</summary>
    /// <exception cref="ArgumentException">The inner dimensions differ.</exception>
    public Tensor MatMul(Tensor a, Tensor b)
    {
        if (a.Cols != b.Rows)
        {
            throw new ArgumentException($"MatMul needs a's columns to equal b's rows, got {a.ShapeText} * {b.ShapeText}.");
        }

        var y = Output(a.Rows, b.Cols, a.RequiresGrad || b.RequiresGrad);
        Gemm.MatMul(a.Data, b.Data, y.Data, a.Rows, a.Cols, b.Cols);
        Record(OpKind.MatMul, y, a, b);
        return y;
    }

    /// <summary>Matrix product with the second factor transposed: <c>out[m, n] = a[m, k] * b[n, k]^T</c>.</summary>
    /// <exception cref="ArgumentException">The shared dimensions differ.</exception>
    public Tensor MatMulTransposeB(Tensor a, Tensor b)
    {
        if (a.Cols != b.Cols)
        {
            throw new ArgumentException($"MatMulTransposeB needs a and b with the same number of columns, got {a.ShapeText} and {b.ShapeText}.");
        }

        var y = Output(a.Rows, b.Rows, a.RequiresGrad || b.RequiresGrad);
        Gemm.MatMulTransposeB(a.Data, b.Data, y.Data, a.Rows, a.Cols, b.Rows);
        Record(OpKind.MatMulTransposeB, y, a, b);
        return y;
    }

    /// <summary>
    /// A linear layer with PyTorch's weight layout: <c>out[m, o] = x[m, i] * w[o, i]^T + bias[1, o]</c> (bias optional).
    /// </summary>
    /// <exception cref="ArgumentException">The weight's columns differ from x's, or the bias is not [1 x out].</exception>
    public Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        if (x.Cols != weight.Cols)
        {
            throw new ArgumentException($"Linear needs input features ({x.ShapeText}) to equal the weight's columns ({weight.ShapeText}, layout [out x in]).");
        }

        if (bias is not null && (bias.Rows != 1 || bias.Cols != weight.Rows))
        {
            throw new ArgumentException($"Linear needs a bias of shape [1x{weight.Rows}], got {bias.ShapeText}.");
        }

        var y = Output(x.Rows, weight.Rows, x.RequiresGrad || weight.RequiresGrad || Needs(bias));
        if (bias is not null)
        {
            ElementwiseKernels.BroadcastRow(bias.Data, y.Data, x.Rows);
        }

        Gemm.MatMulTransposeB(x.Data, weight.Data, y.Data, x.Rows, x.Cols, weight.Rows, accumulate: bias is not null);
        Record(OpKind.Linear, y, x, weight, bias);
        return y;
    }

    /// <summary>
    /// An inference-only linear layer whose weight is already transposed to [in x out] (a snapshot taken while the
    /// weights stay fixed, as during a rollout): <c>out = x * weightTransposed + bias</c>. It computes exactly what
    /// <see cref="Linear"/> computes for the same weight (same packed layout, same kernels), without packing per call.
    /// </summary>
    /// <exception cref="InvalidOperationException">The tape is recording: no gradient flows into a snapshot.</exception>
    /// <exception cref="ArgumentException">The shapes do not line up.</exception>
    public Tensor LinearTransposedWeight(Tensor x, Tensor weightTransposed, Tensor? bias)
    {
        if (IsRecording)
        {
            throw new InvalidOperationException("LinearTransposedWeight is for inference: a recording tape needs Linear, whose weight receives gradients.");
        }

        if (x.Cols != weightTransposed.Rows)
        {
            throw new ArgumentException($"LinearTransposedWeight needs input features ({x.ShapeText}) to equal the transposed weight's rows ({weightTransposed.ShapeText}, layout [in x out]).");
        }

        if (bias is not null && (bias.Rows != 1 || bias.Cols != weightTransposed.Cols))
        {
            throw new ArgumentException($"LinearTransposedWeight needs a bias of shape [1x{weightTransposed.Cols}], got {bias.ShapeText}.");
        }

        var y = Output(x.Rows, weightTransposed.Cols, anyInputRequiresGrad: false);
        if (bias is not null)
        {
            ElementwiseKernels.BroadcastRow(bias.Data, y.Data, x.Rows);
        }

        Gemm.MatMul(x.Data, weightTransposed.Data, y.Data, x.Rows, x.Cols, weightTransposed.Cols, accumulate: bias is not null);
        return y;
    }

    /// <summary>Adds a [1 x n] row to every row of <paramref name="x"/>: <c>out[i, j] = x[i, j] + bias[0, j]</c>.</summary>
    /// <exception cref="ArgumentException">The bias is not [1 x x.Cols].</exception>
    public Tensor AddBias(Tensor x, Tensor bias)
    {
        if (bias.Rows != 1 || bias.Cols != x.Cols)
        {
            throw new ArgumentException($"AddBias needs a bias of shape [1x{x.Cols}] for {x.ShapeText}, got {bias.ShapeText}.");
        }

        var y = Output(x.Rows, x.Cols, x.RequiresGrad || bias.RequiresGrad);
        ElementwiseKernels.AddRowToEachRow(x.Data, bias.Data, y.Data, x.Rows);

        Record(OpKind.AddBias, y, x, bias);
        return y;
    }

    // d(a b)/da = g b^T, d(a b)/db = a^T g
    private static void BackwardMatMul(ref Node node)
    {
        Tensor a = node.A!, b = node.B!, y = node.Out;
        if (a.RequiresGrad)
        {
            Gemm.MatMulTransposeB(y.Grad, b.Data, a.Grad, a.Rows, b.Cols, a.Cols, accumulate: true);
        }

        if (b.RequiresGrad)
        {
            Gemm.MatMulTransposeA(a.Data, y.Grad, b.Grad, b.Rows, a.Rows, b.Cols, accumulate: true);
        }
    }

    // d(a b^T)/da = g b, d(a b^T)/db = g^T a
    private static void BackwardMatMulTransposeB(ref Node node)
    {
        Tensor a = node.A!, b = node.B!, y = node.Out;
        if (a.RequiresGrad)
        {
            Gemm.MatMul(y.Grad, b.Data, a.Grad, a.Rows, b.Rows, a.Cols, accumulate: true);
        }

        if (b.RequiresGrad)
        {
            Gemm.MatMulTransposeA(y.Grad, a.Data, b.Grad, b.Rows, a.Rows, b.Cols, accumulate: true);
        }
    }

    // dx = g w, dw = g^T x, dbias = column sums of g
    private static void BackwardLinear(ref Node node)
    {
        BackwardMatMulTransposeB(ref node);
        if (Needs(node.C))
        {
            ReductionKernels.AccumulateColumnSums(node.Out.Grad, node.C!.Grad, node.Out.Rows, node.Out.Cols);
        }
    }

    private static void BackwardAddBias(ref Node node)
    {
        Tensor x = node.A!, bias = node.B!, y = node.Out;
        if (x.RequiresGrad)
        {
            ElementwiseKernels.Accumulate(y.Grad, x.Grad);
        }

        if (bias.RequiresGrad)
        {
            ReductionKernels.AccumulateColumnSums(y.Grad, bias.Grad, y.Rows, y.Cols);
        }
    }
}
