using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tensorless.Autodiff.Kernels;

public static partial class Gemm
{
    /// <summary>
    /// C[i, :] (+)= sum_p a(i, p) * B[p, :] where a(i, p) = A[i * rowStride + p * depthStride]; covers A*B and A^T*B.
    /// Rows go in blocks of 4 (then singly), columns in blocks of 16 (AVX-512), 8, 4, then one at a time; every block
    /// computes each output as the same FMA chain over p, so the blocking never changes a result.
    /// </summary>
    private static void StridedA(ReadOnlySpan<double> a, int rowStride, int depthStride, ReadOnlySpan<double> b, Span<double> c,
        int m, int k, int n, bool accumulate, GemmIsa isa)
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
        var s = new Strides(rowStride, depthStride, n);
        for (int p0 = 0; p0 < k; p0 += KBlock)
        {
            int p1 = Math.Min(k, p0 + KBlock);
            if (isa == GemmIsa.Scalar)
            {
                PlainBlock(ref ra, ref rb, ref rc, s, 0, m, 0, n, p0, p1);
                continue;
            }

            int i = 0;
            for (; i + 4 <= m; i += 4)
            {
                int j = 0;
                if (isa == GemmIsa.Avx512)
                {
                    for (; j + 16 <= n; j += 16)
                    {
                        Kernel4x16(ref ra, ref rb, ref rc, s, i, j, p0, p1);
                    }
                }

                for (; j + 8 <= n; j += 8)
                {
                    Kernel4x8(ref ra, ref rb, ref rc, s, i, j, p0, p1);
                }

                for (; j + 4 <= n; j += 4)
                {
                    Kernel4x4(ref ra, ref rb, ref rc, s, i, j, p0, p1);
                }

                FmaBlock(ref ra, ref rb, ref rc, s, i, i + 4, j, n, p0, p1);
            }

            for (; i < m; i++)
            {
                int j = 0;
                if (isa == GemmIsa.Avx512)
                {
                    for (; j + 16 <= n; j += 16)
                    {
                        Kernel1x16(ref ra, ref rb, ref rc, s, i, j, p0, p1);
                    }
                }

                for (; j + 8 <= n; j += 8)
                {
                    Kernel1x8(ref ra, ref rb, ref rc, s, i, j, p0, p1);
                }

                for (; j + 4 <= n; j += 4)
                {
                    Kernel1x4(ref ra, ref rb, ref rc, s, i, j, p0, p1);
                }

                FmaBlock(ref ra, ref rb, ref rc, s, i, i + 1, j, n, p0, p1);
            }
        }
    }

    /// <summary>Strides of the A operand and the row length of B and C.</summary>
    private readonly record struct Strides(int Row, int Depth, int N);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double A(ref double ra, Strides s, int i, int p) => Unsafe.Add(ref ra, i * s.Row + p * s.Depth);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x16(ref double ra, ref double rb, ref double rc, Strides s, int i, int j, int p0, int p1)
    {
        var c00 = Vector512<double>.Zero; var c01 = Vector512<double>.Zero;
        var c10 = Vector512<double>.Zero; var c11 = Vector512<double>.Zero;
        var c20 = Vector512<double>.Zero; var c21 = Vector512<double>.Zero;
        var c30 = Vector512<double>.Zero; var c31 = Vector512<double>.Zero;
        for (int p = p0; p < p1; p++)
        {
            ref double brow = ref Unsafe.Add(ref rb, p * s.N + j);
            var b0 = Vector512.LoadUnsafe(ref brow);
            var b1 = Vector512.LoadUnsafe(ref brow, 8);
            var a0 = Vector512.Create(A(ref ra, s, i, p));
            var a1 = Vector512.Create(A(ref ra, s, i + 1, p));
            var a2 = Vector512.Create(A(ref ra, s, i + 2, p));
            var a3 = Vector512.Create(A(ref ra, s, i + 3, p));
            c00 = Avx512F.FusedMultiplyAdd(a0, b0, c00); c01 = Avx512F.FusedMultiplyAdd(a0, b1, c01);
            c10 = Avx512F.FusedMultiplyAdd(a1, b0, c10); c11 = Avx512F.FusedMultiplyAdd(a1, b1, c11);
            c20 = Avx512F.FusedMultiplyAdd(a2, b0, c20); c21 = Avx512F.FusedMultiplyAdd(a2, b1, c21);
            c30 = Avx512F.FusedMultiplyAdd(a3, b0, c30); c31 = Avx512F.FusedMultiplyAdd(a3, b1, c31);
        }

        AddStore(ref Unsafe.Add(ref rc, i * s.N + j), c00, c01);
        AddStore(ref Unsafe.Add(ref rc, (i + 1) * s.N + j), c10, c11);
        AddStore(ref Unsafe.Add(ref rc, (i + 2) * s.N + j), c20, c21);
        AddStore(ref Unsafe.Add(ref rc, (i + 3) * s.N + j), c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x16(ref double ra, ref double rb, ref double rc, Strides s, int i, int j, int p0, int p1)
    {
        var c0 = Vector512<double>.Zero; var c1 = Vector512<double>.Zero;
        for (int p = p0; p < p1; p++)
        {
            ref double brow = ref Unsafe.Add(ref rb, p * s.N + j);
            var av = Vector512.Create(A(ref ra, s, i, p));
            c0 = Avx512F.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref brow), c0);
            c1 = Avx512F.FusedMultiplyAdd(av, Vector512.LoadUnsafe(ref brow, 8), c1);
        }

        AddStore(ref Unsafe.Add(ref rc, i * s.N + j), c0, c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x8(ref double ra, ref double rb, ref double rc, Strides s, int i, int j, int p0, int p1)
    {
        var c00 = Vector256<double>.Zero; var c01 = Vector256<double>.Zero;
        var c10 = Vector256<double>.Zero; var c11 = Vector256<double>.Zero;
        var c20 = Vector256<double>.Zero; var c21 = Vector256<double>.Zero;
        var c30 = Vector256<double>.Zero; var c31 = Vector256<double>.Zero;
        for (int p = p0; p < p1; p++)
        {
            ref double brow = ref Unsafe.Add(ref rb, p * s.N + j);
            var b0 = Vector256.LoadUnsafe(ref brow);
            var b1 = Vector256.LoadUnsafe(ref brow, 4);
            var a0 = Vector256.Create(A(ref ra, s, i, p));
            var a1 = Vector256.Create(A(ref ra, s, i + 1, p));
            var a2 = Vector256.Create(A(ref ra, s, i + 2, p));
            var a3 = Vector256.Create(A(ref ra, s, i + 3, p));
            c00 = Fma.MultiplyAdd(a0, b0, c00); c01 = Fma.MultiplyAdd(a0, b1, c01);
            c10 = Fma.MultiplyAdd(a1, b0, c10); c11 = Fma.MultiplyAdd(a1, b1, c11);
            c20 = Fma.MultiplyAdd(a2, b0, c20); c21 = Fma.MultiplyAdd(a2, b1, c21);
            c30 = Fma.MultiplyAdd(a3, b0, c30); c31 = Fma.MultiplyAdd(a3, b1, c31);
        }

        AddStore(ref Unsafe.Add(ref rc, i * s.N + j), c00, c01);
        AddStore(ref Unsafe.Add(ref rc, (i + 1) * s.N + j), c10, c11);
        AddStore(ref Unsafe.Add(ref rc, (i + 2) * s.N + j), c20, c21);
        AddStore(ref Unsafe.Add(ref rc, (i + 3) * s.N + j), c30, c31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel4x4(ref double ra, ref double rb, ref double rc, Strides s, int i, int j, int p0, int p1)
    {
        var c0 = Vector256<double>.Zero; var c1 = Vector256<double>.Zero;
        var c2 = Vector256<double>.Zero; var c3 = Vector256<double>.Zero;
        for (int p = p0; p < p1; p++)
        {
            var b0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref rb, p * s.N + j));
            c0 = Fma.MultiplyAdd(Vector256.Create(A(ref ra, s, i, p)), b0, c0);
            c1 = Fma.MultiplyAdd(Vector256.Create(A(ref ra, s, i + 1, p)), b0, c1);
            c2 = Fma.MultiplyAdd(Vector256.Create(A(ref ra, s, i + 2, p)), b0, c2);
            c3 = Fma.MultiplyAdd(Vector256.Create(A(ref ra, s, i + 3, p)), b0, c3);
        }

        AddStore(ref Unsafe.Add(ref rc, i * s.N + j), c0);
        AddStore(ref Unsafe.Add(ref rc, (i + 1) * s.N + j), c1);
        AddStore(ref Unsafe.Add(ref rc, (i + 2) * s.N + j), c2);
        AddStore(ref Unsafe.Add(ref rc, (i + 3) * s.N + j), c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x8(ref double ra, ref double rb, ref double rc, Strides s, int i, int j, int p0, int p1)
    {
        var c0 = Vector256<double>.Zero; var c1 = Vector256<double>.Zero;
        for (int p = p0; p < p1; p++)
        {
            ref double brow = ref Unsafe.Add(ref rb, p * s.N + j);
            var av = Vector256.Create(A(ref ra, s, i, p));
            c0 = Fma.MultiplyAdd(av, Vector256.LoadUnsafe(ref brow), c0);
            c1 = Fma.MultiplyAdd(av, Vector256.LoadUnsafe(ref brow, 4), c1);
        }

        AddStore(ref Unsafe.Add(ref rc, i * s.N + j), c0, c1);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Kernel1x4(ref double ra, ref double rb, ref double rc, Strides s, int i, int j, int p0, int p1)
    {
        var c0 = Vector256<double>.Zero;
        for (int p = p0; p < p1; p++)
        {
            c0 = Fma.MultiplyAdd(Vector256.Create(A(ref ra, s, i, p)), Vector256.LoadUnsafe(ref Unsafe.Add(ref rb, p * s.N + j)), c0);
        }

        AddStore(ref Unsafe.Add(ref rc, i * s.N + j), c0);
    }

    /// <summary>Column remainders on FMA machines: the same fused chain as the vector lanes, one output at a time.</summary>
    private static void FmaBlock(ref double ra, ref double rb, ref double rc, Strides s, int i0, int i1, int j0, int j1, int p0, int p1)
    {
        for (int i = i0; i < i1; i++)
        {
            for (int j = j0; j < j1; j++)
            {
                double acc = 0;
                for (int p = p0; p < p1; p++)
                {
                    acc = Math.FusedMultiplyAdd(A(ref ra, s, i, p), Unsafe.Add(ref rb, p * s.N + j), acc);
                }

                Unsafe.Add(ref rc, i * s.N + j) += acc;
            }
        }
    }

    /// <summary>The portable path for machines without FMA: plain multiply and add.</summary>
    private static void PlainBlock(ref double ra, ref double rb, ref double rc, Strides s, int i0, int i1, int j0, int j1, int p0, int p1)
    {
        for (int i = i0; i < i1; i++)
        {
            for (int j = j0; j < j1; j++)
            {
                double acc = 0;
                for (int p = p0; p < p1; p++)
                {
                    acc += A(ref ra, s, i, p) * Unsafe.Add(ref rb, p * s.N + j);
                }

                Unsafe.Add(ref rc, i * s.N + j) += acc;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStore(ref double dst, Vector512<double> v0, Vector512<double> v1)
    {
        (Vector512.LoadUnsafe(ref dst) + v0).StoreUnsafe(ref dst);
        (Vector512.LoadUnsafe(ref dst, 8) + v1).StoreUnsafe(ref dst, 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStore(ref double dst, Vector256<double> v0, Vector256<double> v1)
    {
        (Vector256.LoadUnsafe(ref dst) + v0).StoreUnsafe(ref dst);
        (Vector256.LoadUnsafe(ref dst, 4) + v1).StoreUnsafe(ref dst, 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddStore(ref double dst, Vector256<double> v0) => (Vector256.LoadUnsafe(ref dst) + v0).StoreUnsafe(ref dst);
}
