using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// The generic drivers of element-wise backward rules: one per arity, specialised by the JIT for each operator struct
/// (<see cref="IGradientOperator"/>, <see cref="IGradientOperator2"/>), as TensorPrimitives does for its maps.
/// Contract: every span has the same length n; <c>acc</c> is read and overwritten in place (accumulate, never
/// overwrite with a fresh value), effectively <c>acc[i] = op(acc[i], g[i], x[i])</c>. Exactness: the vector loop and
/// its scalar reference (<c>...Reference</c>, the plain formula) produce the same bits for every length, because each
/// lane does the operator's scalar operations in the same order.
/// </summary>
public static class GradientKernels
{
    /// <summary>Effectively computes <c>acc[i] = op(acc[i], g[i], x[i])</c> for i in [0, n), vectorised.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Accumulate<TOp>(ReadOnlySpan<double> g, ReadOnlySpan<double> x, Span<double> acc, TOp op = default)
        where TOp : struct, IGradientOperator
    {
        CheckLengths(acc.Length, g.Length, x.Length, x.Length);
        ref double pa = ref MemoryMarshal.GetReference(acc);
        ref double pg = ref MemoryMarshal.GetReference(g);
        ref double px = ref MemoryMarshal.GetReference(x);
        int n = acc.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
            {
                var v = op.Invoke(
                    Vector.LoadUnsafe(ref pa, (nuint)i),
                    Vector.LoadUnsafe(ref pg, (nuint)i),
                    Vector.LoadUnsafe(ref px, (nuint)i));
                v.StoreUnsafe(ref pa, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref pa, i) = op.Invoke(Unsafe.Add(ref pa, i), Unsafe.Add(ref pg, i), Unsafe.Add(ref px, i));
        }
    }

    /// <summary>The plain loop <see cref="Accumulate{TOp}(ReadOnlySpan{double}, ReadOnlySpan{double}, Span{double}, TOp)"/> must equal bit for bit.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void AccumulateReference<TOp>(ReadOnlySpan<double> g, ReadOnlySpan<double> x, Span<double> acc, TOp op = default)
        where TOp : struct, IGradientOperator
    {
        CheckLengths(acc.Length, g.Length, x.Length, x.Length);
        for (int i = 0; i < acc.Length; i++)
        {
            acc[i] = op.Invoke(acc[i], g[i], x[i]);
        }
    }

    /// <summary>Effectively computes <c>acc[i] = op(acc[i], g[i], x[i], y[i])</c> for i in [0, n), vectorised.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void Accumulate<TOp>(ReadOnlySpan<double> g, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> acc, TOp op = default)
        where TOp : struct, IGradientOperator2
    {
        CheckLengths(acc.Length, g.Length, x.Length, y.Length);
        ref double pa = ref MemoryMarshal.GetReference(acc);
        ref double pg = ref MemoryMarshal.GetReference(g);
        ref double px = ref MemoryMarshal.GetReference(x);
        ref double py = ref MemoryMarshal.GetReference(y);
        int n = acc.Length;
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<double>.Count <= n; i += Vector<double>.Count)
            {
                var v = op.Invoke(
                    Vector.LoadUnsafe(ref pa, (nuint)i),
                    Vector.LoadUnsafe(ref pg, (nuint)i),
                    Vector.LoadUnsafe(ref px, (nuint)i),
                    Vector.LoadUnsafe(ref py, (nuint)i));
                v.StoreUnsafe(ref pa, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            Unsafe.Add(ref pa, i) = op.Invoke(Unsafe.Add(ref pa, i), Unsafe.Add(ref pg, i), Unsafe.Add(ref px, i), Unsafe.Add(ref py, i));
        }
    }

    /// <summary>The plain loop the two-value <c>Accumulate</c> must equal bit for bit.</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void AccumulateReference<TOp>(ReadOnlySpan<double> g, ReadOnlySpan<double> x, ReadOnlySpan<double> y, Span<double> acc, TOp op = default)
        where TOp : struct, IGradientOperator2
    {
        CheckLengths(acc.Length, g.Length, x.Length, y.Length);
        for (int i = 0; i < acc.Length; i++)
        {
            acc[i] = op.Invoke(acc[i], g[i], x[i], y[i]);
        }
    }

    /// <summary>
    /// The rule of an element-wise minimum (or maximum) y = min(a, b): the gradient goes to the smaller (larger) input and
    /// ties split it equally, as PyTorch does: <c>ga[i] += w g[i]</c>, <c>gb[i] += (1 - w) g[i]</c> with w in {0, 1/2, 1}.
    /// An empty <paramref name="ga"/> or <paramref name="gb"/> is skipped (that input needs no gradient). Scalar only.
    /// </summary>
    public static void MinMax(ReadOnlySpan<double> g, ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> ga, Span<double> gb, bool minimum)
    {
        for (int i = 0; i < g.Length; i++)
        {
            double wa = a[i] == b[i] ? 0.5 : (a[i] < b[i]) == minimum ? 1.0 : 0.0;
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

    private static void CheckLengths(int n, int g, int x, int y)
    {
        if (g != n || x != n || y != n)
        {
            ThrowLengths(n, g, x, y);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengths(int n, int g, int x, int y) =>
        throw new ArgumentException($"Element-wise backward kernels need spans of one length; got acc {n}, g {g}, x {x}, y {y}.");
}
