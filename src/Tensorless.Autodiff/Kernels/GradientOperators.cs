using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// A backward rule of a one-input element-wise map, as a small struct the JIT specialises (no delegate, no virtual call):
/// given the gradient accumulator <c>acc</c>, the upstream gradient <c>g</c> and the saved value <c>x</c> (the op's
/// input or output, whichever the rule needs), it returns the new accumulator. Both bodies must do the same IEEE
/// operations in the same order per lane, so the vector driver and the scalar reference loop agree bit for bit.
/// </summary>
public interface IGradientOperator
{
    /// <summary>The new accumulator for one element.</summary>
    double Invoke(double acc, double g, double x);

    /// <summary>The new accumulators for one vector of elements; lane for lane the same operations as the scalar body.</summary>
    Vector<double> Invoke(Vector<double> acc, Vector<double> g, Vector<double> x);
}

/// <summary>
/// A backward rule that needs two saved values (<c>x</c> and <c>y</c>) besides the upstream gradient; the same contract
/// as <see cref="IGradientOperator"/>.
/// </summary>
public interface IGradientOperator2
{
    /// <summary>The new accumulator for one element.</summary>
    double Invoke(double acc, double g, double x, double y);

    /// <summary>The new accumulators for one vector of elements; lane for lane the same operations as the scalar body.</summary>
    Vector<double> Invoke(Vector<double> acc, Vector<double> g, Vector<double> x, Vector<double> y);
}

/// <summary>d tanh(a)/da = 1 - y^2 with y the saved output: <c>acc + g (1 - y y)</c>.</summary>
public readonly struct TanhGradient : IGradientOperator
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Invoke(double acc, double g, double y) => acc + g * (1.0 - y * y);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<double> Invoke(Vector<double> acc, Vector<double> g, Vector<double> y) => acc + g * (Vector<double>.One - y * y);
}

/// <summary>d relu(a)/da = 1 where a &gt; 0, else 0, as a branch-free masked add: <c>acc + (a &gt; 0 ? g : 0)</c>.</summary>
public readonly struct ReluGradient : IGradientOperator
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Invoke(double acc, double g, double a) => acc + (a > 0 ? g : 0.0);

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<double> Invoke(Vector<double> acc, Vector<double> g, Vector<double> a) =>
        acc + Vector.ConditionalSelect(Vector.GreaterThan(a, Vector<double>.Zero), g, Vector<double>.Zero);
}

/// <summary>d(a^2)/da = 2a: <c>acc + 2 a g</c>, evaluated as <c>(2 a) g</c>.</summary>
public readonly struct SquareGradient : IGradientOperator
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Invoke(double acc, double g, double a) => acc + 2.0 * a * g;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<double> Invoke(Vector<double> acc, Vector<double> g, Vector<double> a) => acc + new Vector<double>(2.0) * a * g;
}

/// <summary>
/// Upstream divided by a saved value: <c>acc + g / x</c>. It is d log(a)/da (x = a) and the numerator's rule of a
/// quotient, d(a/b)/da (x = b); a true division, not a multiply by the reciprocal, so the bits match the formula.
/// </summary>
public readonly struct QuotientGradient : IGradientOperator
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Invoke(double acc, double g, double x) => acc + g / x;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<double> Invoke(Vector<double> acc, Vector<double> g, Vector<double> x) => acc + g / x;
}

/// <summary>
/// The clamp rule: the gradient passes where <c>min &lt;= a &lt;= max</c> (as in PyTorch) and the accumulator is left
/// untouched elsewhere (not even 0 is added, so a -0 accumulator keeps its sign).
/// </summary>
/// <param name="min">The lower bound of the clamp.</param>
/// <param name="max">The upper bound of the clamp.</param>
public readonly struct ClampGradient(double min, double max) : IGradientOperator
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Invoke(double acc, double g, double a) => a >= min && a <= max ? acc + g : acc;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<double> Invoke(Vector<double> acc, Vector<double> g, Vector<double> a)
    {
        var inside = Vector.BitwiseAnd(Vector.GreaterThanOrEqual(a, new Vector<double>(min)), Vector.LessThanOrEqual(a, new Vector<double>(max)));
        return Vector.ConditionalSelect(inside, acc + g, acc);
    }
}

/// <summary>
/// The denominator's rule of a quotient y = a / b: d y/db = -a / b^2 = -y / b, so <c>acc - g y / b</c>, evaluated as
/// <c>acc - ((g y) / b)</c>.
/// </summary>
public readonly struct QuotientDenominatorGradient : IGradientOperator2
{
    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double Invoke(double acc, double g, double y, double b) => acc - g * y / b;

    /// <inheritdoc />
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<double> Invoke(Vector<double> acc, Vector<double> g, Vector<double> y, Vector<double> b) => acc - g * y / b;
}
