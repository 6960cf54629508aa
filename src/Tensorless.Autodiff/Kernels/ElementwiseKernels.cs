using System.Numerics.Tensors;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// Element-wise forward maps and the backward rules that are plain accumulations. Spans in, spans out; all spans of a
/// call have one length (or the stated row/column shape) and the destination may alias an input where TensorPrimitives
/// allows it. Maps overwrite <c>dst</c>; methods named <c>Accumulate...</c> add into it. Exactness: each method is the
/// TensorPrimitives call the tape always made (same bits on a given machine); the rules that need a formula of their own
/// run through <see cref="GradientKernels"/> with an operator from <see cref="IGradientOperator"/>.
/// </summary>
public static class ElementwiseKernels
{
    /// <summary>Effectively computes <c>dst[i] = x[i] + y[i]</c>.</summary>
    public static void Add(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dst) => TensorPrimitives.Add(x, y, dst);

    /// <summary>Effectively computes <c>dst[i] = x[i] - y[i]</c>.</summary>
    public static void Subtract(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dst) => TensorPrimitives.Subtract(x, y, dst);

    /// <summary>Effectively computes <c>dst[i] = x[i] * y[i]</c>.</summary>
    public static void Multiply(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dst) => TensorPrimitives.Multiply(x, y, dst);

    /// <summary>Effectively computes <c>dst[i] = x[i] / y[i]</c>.</summary>
    public static void Divide(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dst) => TensorPrimitives.Divide(x, y, dst);

    /// <summary>Effectively computes <c>dst[i] = x[i] * c</c>.</summary>
    public static void Scale(ReadOnlySpan<double> x, double c, Span<double> dst) => TensorPrimitives.Multiply(x, c, dst);

    /// <summary>Effectively computes <c>dst[i] = x[i] + c</c>.</summary>
    public static void AddScalar(ReadOnlySpan<double> x, double c, Span<double> dst) => TensorPrimitives.Add(x, c, dst);

    /// <summary>Effectively computes <c>dst[i] = x[i] * x[i]</c>.</summary>
    public static void Square(ReadOnlySpan<double> x, Span<double> dst) => TensorPrimitives.Multiply(x, x, dst);

    /// <summary>Effectively computes <c>dst[i] = tanh(x[i])</c> with TensorPrimitives' vectorised tanh (not Math.Tanh).</summary>
    public static void Tanh(ReadOnlySpan<double> x, Span<double> dst) => TensorPrimitives.Tanh(x, dst);

    /// <summary>Effectively computes <c>dst[i] = max(x[i], 0)</c> with TensorPrimitives' NaN and signed-zero rules.</summary>
    public static void Relu(ReadOnlySpan<double> x, Span<double> dst) => TensorPrimitives.Max(x, 0.0, dst);

    /// <summary>Effectively computes <c>dst[i] = exp(x[i])</c> with TensorPrimitives' vectorised exp.</summary>
    public static void Exp(ReadOnlySpan<double> x, Span<double> dst) => TensorPrimitives.Exp(x, dst);

    /// <summary>Effectively computes <c>dst[i] = log(x[i])</c> with TensorPrimitives' vectorised log.</summary>
    public static void Log(ReadOnlySpan<double> x, Span<double> dst) => TensorPrimitives.Log(x, dst);

    /// <summary>Effectively computes <c>dst[i] = clamp(x[i], min, max)</c>; the caller checks <c>min &lt;= max</c>.</summary>
    public static void Clamp(ReadOnlySpan<double> x, double min, double max, Span<double> dst) => TensorPrimitives.Clamp(x, min, max, dst);

    /// <summary>Effectively computes <c>dst[i] = min(x[i], y[i])</c>.</summary>
    public static void Minimum(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dst) => TensorPrimitives.Min(x, y, dst);

    /// <summary>Effectively computes <c>dst[i] = max(x[i], y[i])</c>.</summary>
    public static void Maximum(ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> dst) => TensorPrimitives.Max(x, y, dst);

    /// <summary>Effectively computes <c>dst[i, j] = x[i, j] + row[j]</c> for x [rows x row.Length] (a bias add).</summary>
    public static void AddRowToEachRow(ReadOnlySpan<double> x, ReadOnlySpan<double> row, Span<double> dst, int rows)
    {
        int n = row.Length;
        for (int r = 0; r < rows; r++)
        {
            TensorPrimitives.Add(x.Slice(r * n, n), row, dst.Slice(r * n, n));
        }
    }

    /// <summary>Effectively computes <c>dst[i, j] = row[j]</c> for dst [rows x row.Length] (a bias broadcast before a GEMM accumulates into it).</summary>
    public static void BroadcastRow(ReadOnlySpan<double> row, Span<double> dst, int rows)
    {
        int n = row.Length;
        for (int r = 0; r < rows; r++)
        {
            row.CopyTo(dst.Slice(r * n, n));
        }
    }

    /// <summary>Effectively computes <c>acc[i] += g[i]</c> (the rule of a sum, and of a term that passes through).</summary>
    public static void Accumulate(ReadOnlySpan<double> g, Span<double> acc) => TensorPrimitives.Add(acc, g, acc);

    /// <summary>Effectively computes <c>acc[i] -= g[i]</c> (the subtrahend's rule).</summary>
    public static void AccumulateNegated(ReadOnlySpan<double> g, Span<double> acc) => TensorPrimitives.Subtract(acc, g, acc);

    /// <summary>Effectively computes <c>acc[i] = fma(g[i], x[i], acc[i])</c>: one rounding, TensorPrimitives' fused multiply-add.</summary>
    public static void AccumulateProductFused(ReadOnlySpan<double> g, ReadOnlySpan<double> x, Span<double> acc) =>
        TensorPrimitives.FusedMultiplyAdd(g, x, acc, acc);

    /// <summary>Effectively computes <c>acc[i] = g[i] * c + acc[i]</c>, two roundings (TensorPrimitives.MultiplyAdd).</summary>
    public static void AccumulateScaled(ReadOnlySpan<double> g, double c, Span<double> acc) =>
        TensorPrimitives.MultiplyAdd(g, c, acc, acc);

    /// <summary>Effectively computes <c>acc[i] += c</c> (the rule of a whole-tensor sum or mean).</summary>
    public static void AccumulateScalar(double c, Span<double> acc) => TensorPrimitives.Add(acc, c, acc);
}
