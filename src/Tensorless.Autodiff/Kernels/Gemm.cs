using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// Dense row-major double GEMM in the three layouts a linear layer needs (forward, input gradient and weight gradient).
/// Every method effectively computes <c>C = beta * C + op(A) * op(B)</c> with <c>beta</c> 0 (overwrite) or 1 (accumulate).
/// The AVX2+FMA path uses a 4 x 8 register-blocked micro-kernel; a scalar path runs where AVX2 or FMA is absent.
/// Kernels know nothing about the tape: this class is the seam a GPU backend would implement.
/// </summary>
public static class Gemm
{
    /// <summary>Depth of one cache block over the shared dimension; a 4 x KC panel of A and KC x 8 of B stay in L1.</summary>
    private const int KBlock = 256;

    /// <summary>True where the vectorised path runs on this machine.</summary>
    public static bool IsVectorized => Avx.IsSupported && Fma.IsSupported;

    /// <summary>
    /// C[m, n] (+)= A[m, k] * B[k, n]. Effectively computes <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[i, p] * B[p, j]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape requires, or a dimension is negative.</exception>
    public static void MatMul(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)k * n);
        StridedA(a, rowStride: k, depthStride: 1, b, c, m, k, n, accumulate, IsVectorized);
    }

    /// <summary>
    /// C[m, n] (+)= A[k, m]^T * B[k, n]. Effectively computes <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[p, i] * B[p, j]</c>;
    /// this is the weight gradient <c>dW = dY^T X</c> of a linear layer.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape requires, or a dimension is negative.</exception>
    public static void MatMulTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)k * m, (long)k * n);
        StridedA(a, rowStride: 1, depthStride: m, b, c, m, k, n, accumulate, IsVectorized);
    }

    /// <summary>
    /// C[m, n] (+)= A[m, k] * B[n, k]^T. Effectively computes <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[i, p] * B[j, p]</c>;
    /// this is a linear layer's forward pass with PyTorch's [out, in] weight layout.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape requires, or a dimension is negative.</exception>
    public static void MatMulTransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)n * k);
        TransposeB(a, b, c, m, k, n, accumulate, IsVectorized);
    }

    /// <summary>Runs <see cref="MatMul"/> on the portable scalar path (for tests of the fallback).</summary>
    internal static void MatMulScalar(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate)
        => StridedA(a, k, 1, b, c, m, k, n, accumulate, vectorized: false);

    /// <summary>Runs <see cref="MatMulTransposeA"/> on the portable scalar path (for tests of the fallback).</summary>
    internal static void MatMulTransposeAScalar(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate)
        => StridedA(a, 1, m, b, c, m, k, n, accumulate, vectorized: false);

    /// <summary>Runs <see cref="MatMulTransposeB"/> on the portable scalar path (for tests of the fallback).</summary>
    internal static void MatMulTransposeBScalar(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate)
        => TransposeB(a, b, c, m, k, n, accumulate, vectorized: false);

    private static void CheckShapes(int aLen, int bLen, int cLen, int m, int k, int n, long aNeed, long bNeed)
    {
        if (m < 0 || k < 0 || n < 0)
        {
            ThrowNegative(m, k, n);
        }

        if (aLen < aNeed || bLen < bNeed || cLen < (long)m * n)
        {
            ThrowTooShort(aLen, bLen, cLen, m, k, n, aNeed, bNeed);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNegative(int m, int k, int n) =>
        throw new ArgumentException($"GEMM dimensions must be non-negative, got m={m}, k={k}, n={n}.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowTooShort(int aLen, int bLen, int cLen, int m, int k, int n, long aNeed, long bNeed) =>
        throw new ArgumentException(
            $"GEMM with m={m}, k={k}, n={n} needs A of {aNeed}, B of {bNeed} and C of {(long)m * n} elements, got {aLen}, {bLen} and {cLen}.");

    /// <summary>
    /// C[i, :] (+)= sum_p a(i, p) * B[p, :] where a(i, p) = A[i * rowStride + p * depthStride]; covers A*B and A^T*B.
    /// </summary>
    private static void StridedA(ReadOnlySpan<double> a, int rowStride, int depthStride, ReadOnlySpan<double> b, Span<double> c,
        int m, int k, int n, bool accumulate, bool vectorized)
    {
        if (!accumulate)
        {
            c[..(m * n)].Clear();
        }

        if (m == 0 || n == 0 || k == 0)
        {
            return;
        }

        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(b);
        ref double rc = ref MemoryMarshal.GetReference(c);
        for (int p0 = 0; p0 < k; p0 += KBlock)
        {
            int kc = Math.Min(KBlock, k - p0);
            int i = 0;
            if (vectorized)
            {
                for (; i + 4 <= m; i += 4)
                {
                    int j = 0;
                    for (; j + 8 <= n; j += 8)
                    {
                        Kernel4x8(ref ra, rowStride, depthStride, ref rb, ref rc, i, j, p0, kc, n);
                    }

                    for (; j + 4 <= n; j += 4)
                    {
                        Kernel4x4(ref ra, rowStride, depthStride, ref rb, ref rc, i, j, p0, kc, n);
                    }

                    if (j < n)
                    {
                        ScalarBlock(ref ra, rowStride, depthStride, ref rb, ref rc, i, 4, j, n - j, p0, kc, n);
                    }
                }

                for (; i < m; i++)
                {
                    int j = 0;
                    for (; j + 8 <= n; j += 8)
                    {
                        Kernel1x8(ref ra, rowStride, depthStride, ref rb, ref rc, i, j, p0, kc, n);
                    }

                    for (; j + 4 <= n; j += 4)
                    {
                        Kernel1x4(ref ra, rowStride, depthStride, ref rb, ref rc, i, j, p0, kc, n);
                    }

                    if (j < n)
                    {
                        ScalarBlock(ref ra, rowStride, depthStride, ref rb, ref rc, i, 1, j, n - j, p0, kc, n);
                    }
                }
            }
            else
            {
                ScalarBlock(ref ra, rowStride, depthStride, ref rb, ref rc, 0, m, 0, n, p0, kc, n);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x8(ref double ra, int rs, int ds, ref double rb, ref double rc, int i, int j, int p0, int kc, int n)
    {
        var c00 = Vector256<double>.Zero; var c01 = Vector256<double>.Zero;
        var c10 = Vector256<double>.Zero; var c11 = Vector256<double>.Zero;
        var c20 = Vector256<double>.Zero; var c21 = Vector256<double>.Zero;
        var c30 = Vector256<double>.Zero; var c31 = Vector256<double>.Zero;
        for (int p = p0; p < p0 + kc; p++)
        {
            ref double brow = ref Unsafe.Add(ref rb, p * n + j);
            var b0 = Vector256.LoadUnsafe(ref brow);
            var b1 = Vector256.LoadUnsafe(ref brow, 4);
            int ai = i * rs + p * ds;
            var a0 = Vector256.Create(Unsafe.Add(ref ra, ai));
            var a1 = Vector256.Create(Unsafe.Add(ref ra, ai + rs));
            var a2 = Vector256.Create(Unsafe.Add(ref ra, ai + 2 * rs));
            var a3 = Vector256.Create(Unsafe.Add(ref ra, ai + 3 * rs));
            c00 = Fma.MultiplyAdd(a0, b0, c00); c01 = Fma.MultiplyAdd(a0, b1, c01);
            c10 = Fma.MultiplyAdd(a1, b0, c10); c11 = Fma.MultiplyAdd(a1, b1, c11);
            c20 = Fma.MultiplyAdd(a2, b0, c20); c21 = Fma.MultiplyAdd(a2, b1, c21);
            c30 = Fma.MultiplyAdd(a3, b0, c30); c31 = Fma.MultiplyAdd(a3, b1, c31);
        }

        AddStore(ref Unsafe.Add(ref rc, i * n + j), c00, c01);
        AddStore(ref Unsafe.Add(ref rc, (i + 1) * n + j), c10, c11);
        AddStore(ref Unsafe.Add(ref rc, (i + 2) * n + j), c20, c21);
        AddStore(ref Unsafe.Add(ref rc, (i + 3) * n + j), c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x4(ref double ra, int rs, int ds, ref double rb, ref double rc, int i, int j, int p0, int kc, int n)
    {
        var c0 = Vector256<double>.Zero; var c1 = Vector256<double>.Zero;
        var c2 = Vector256<double>.Zero; var c3 = Vector256<double>.Zero;
        for (int p = p0; p < p0 + kc; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref rb, p * n + j));
            int ai = i * rs + p * ds;
            c0 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, ai)), b0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, ai + rs)), b0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, ai + 2 * rs)), b0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, ai + 3 * rs)), b0, c3);
        }

        AddStore(ref Unsafe.Add(ref rc, i * n + j), c0);
        AddStore(ref Unsafe.Add(ref rc, (i + 1) * n + j), c1);
        AddStore(ref Unsafe.Add(ref rc, (i + 2) * n + j), c2);
        AddStore(ref Unsafe.Add(ref rc, (i + 3) * n + j), c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x8(ref double ra, int rs, int ds, ref double rb, ref double rc, int i, int j, int p0, int kc, int n)
    {
        var c0 = Vector256<double>.Zero; var c1 = Vector256<double>.Zero;
        for (int p = p0; p < p0 + kc; p++)
        {
            ref double brow = ref Unsafe.Add(ref rb, p * n + j);
            var av = Vector256.Create(Unsafe.Add(ref ra, i * rs + p * ds));
            c0 = Fma.MultiplyAdd(av, Vector256.LoadUnsafe(ref brow), c0);
            c1 = Fma.MultiplyAdd(av, Vector256.LoadUnsafe(ref brow, 4), c1);
        }

        AddStore(ref Unsafe.Add(ref rc, i * n + j), c0, c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x4(ref double ra, int rs, int ds, ref double rb, ref double rc, int i, int j, int p0, int kc, int n)
    {
        var c0 = Vector256<double>.Zero;
        for (int p = p0; p < p0 + kc; p++)
        {
            c0 = Fma.MultiplyAdd(Vector256.Create(Unsafe.Add(ref ra, i * rs + p * ds)), Vector256.LoadUnsafe(ref Unsafe.Add(ref rb, p * n + j)), c0);
        }

        AddStore(ref Unsafe.Add(ref rc, i * n + j), c0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStore(ref double dst, Vector256<double> v0, Vector256<double> v1)
    {
        (Vector256.LoadUnsafe(ref dst) + v0).StoreUnsafe(ref dst);
        (Vector256.LoadUnsafe(ref dst, 4) + v1).StoreUnsafe(ref dst, 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStore(ref double dst, Vector256<double> v0) => (Vector256.LoadUnsafe(ref dst) + v0).StoreUnsafe(ref dst);

    private static void ScalarBlock(ref double ra, int rs, int ds, ref double rb, ref double rc, int i0, int rows, int j0, int cols, int p0, int kc, int n)
    {
        for (int i = i0; i < i0 + rows; i++)
        {
            for (int j = j0; j < j0 + cols; j++)
            {
                double sum = 0;
                for (int p = p0; p < p0 + kc; p++)
                {
                    sum += Unsafe.Add(ref ra, i * rs + p * ds) * Unsafe.Add(ref rb, p * n + j);
                }

                Unsafe.Add(ref rc, i * n + j) += sum;
            }
        }
    }

    /// <summary>
    /// C[i, j] (+)= dot(A[i, :], B[j, :]). With 4 or more output columns, B is first packed as B^T [k x n] into a per-thread
    /// scratch panel (k n copies against m n k multiply-adds) so the register-blocked A*B kernel runs; skinny outputs
    /// (n &lt; 4, such as a policy head with 2 logits or a value head with 1) take dot products along the contiguous k.
    /// Either way the arithmetic for output (i, j) depends on k and n only, never on m: a row gives the same bits whether
    /// it is evaluated alone or in a batch (the rollout, the truncation bootstrap and evaluation agree exactly).
    /// </summary>
    private static void TransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate, bool vectorized)
    {
        if (vectorized && n >= 4 && k > 0)
        {
            var packed = PackTransposed(b, n, k);
            StridedA(a, rowStride: k, depthStride: 1, packed, c, m, k, n, accumulate, vectorized: true);
            return;
        }

        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(b);
        ref double rc = ref MemoryMarshal.GetReference(c);
        for (int i = 0; i < m; i++)
        {
            ref double arow = ref Unsafe.Add(ref ra, i * k);
            int j = 0;
            if (vectorized && k >= 4)
            {
                for (; j + 4 <= n; j += 4)
                {
                    Dot1x4(ref arow, ref Unsafe.Add(ref rb, j * k), k, out double d0, out double d1, out double d2, out double d3);
                    ref double crow = ref Unsafe.Add(ref rc, i * n + j);
                    if (accumulate)
                    {
                        crow += d0; Unsafe.Add(ref crow, 1) += d1; Unsafe.Add(ref crow, 2) += d2; Unsafe.Add(ref crow, 3) += d3;
                    }
                    else
                    {
                        crow = d0; Unsafe.Add(ref crow, 1) = d1; Unsafe.Add(ref crow, 2) = d2; Unsafe.Add(ref crow, 3) = d3;
                    }
                }

                for (; j < n; j++)
                {
                    double d = Dot1x1(ref arow, ref Unsafe.Add(ref rb, j * k), k);
                    ref double cij = ref Unsafe.Add(ref rc, i * n + j);
                    cij = accumulate ? cij + d : d;
                }
            }

            for (; j < n; j++)
            {
                ref double brow = ref Unsafe.Add(ref rb, j * k);
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    sum += Unsafe.Add(ref arow, p) * Unsafe.Add(ref brow, p);
                }

                ref double cij = ref Unsafe.Add(ref rc, i * n + j);
                cij = accumulate ? cij + sum : sum;
            }
        }
    }

    [ThreadStatic]
    private static double[]? t_packed;

    /// <summary>Copies B [n x k] into a per-thread scratch panel as B^T [k x n]; the panel grows once and is then reused.</summary>
    private static ReadOnlySpan<double> PackTransposed(ReadOnlySpan<double> b, int n, int k)
    {
        int size = n * k;
        var panel = t_packed;
        if (panel is null || panel.Length < size)
        {
            panel = t_packed = new double[Math.Max(size, 4096)];
        }

        for (int j = 0; j < n; j++)
        {
            var row = b.Slice(j * k, k);
            for (int p = 0; p < k; p++)
            {
                panel[p * n + j] = row[p];
            }
        }

        return panel.AsSpan(0, size);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot1x1(ref double arow, ref double brow, int k)
    {
        var s = Vector256<double>.Zero;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            s = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref arow, (nuint)p), Vector256.LoadUnsafe(ref brow, (nuint)p), s);
        }

        double d = Vector256.Sum(s);
        for (; p < k; p++)
        {
            d += Unsafe.Add(ref arow, p) * Unsafe.Add(ref brow, p);
        }

        return d;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot1x4(ref double arow, ref double b0, int k, out double d0, out double d1, out double d2, out double d3)
    {
        ref double b1 = ref Unsafe.Add(ref b0, k);
        ref double b2 = ref Unsafe.Add(ref b0, 2 * k);
        ref double b3 = ref Unsafe.Add(ref b0, 3 * k);
        var s0 = Vector256<double>.Zero; var s1 = Vector256<double>.Zero;
        var s2 = Vector256<double>.Zero; var s3 = Vector256<double>.Zero;
        int p = 0;
        for (; p + 4 <= k; p += 4)
        {
            var av = Vector256.LoadUnsafe(ref arow, (nuint)p);
            s0 = Fma.MultiplyAdd(av, Vector256.LoadUnsafe(ref b0, (nuint)p), s0);
            s1 = Fma.MultiplyAdd(av, Vector256.LoadUnsafe(ref b1, (nuint)p), s1);
            s2 = Fma.MultiplyAdd(av, Vector256.LoadUnsafe(ref b2, (nuint)p), s2);
            s3 = Fma.MultiplyAdd(av, Vector256.LoadUnsafe(ref b3, (nuint)p), s3);
        }

        d0 = Vector256.Sum(s0); d1 = Vector256.Sum(s1); d2 = Vector256.Sum(s2); d3 = Vector256.Sum(s3);
        for (; p < k; p++)
        {
            double av = Unsafe.Add(ref arow, p);
            d0 += av * Unsafe.Add(ref b0, p);
            d1 += av * Unsafe.Add(ref b1, p);
            d2 += av * Unsafe.Add(ref b2, p);
            d3 += av * Unsafe.Add(ref b3, p);
        }
    }
}
