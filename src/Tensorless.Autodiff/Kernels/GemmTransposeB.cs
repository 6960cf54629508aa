using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Tensorless.Autodiff.Kernels;

public static partial class Gemm
{
    [ThreadStatic]
    private static double[]? t_packed;

    /// <summary>
    /// C[i, j] (+)= dot(A[i, :], B[j, :]). With 4 or more output columns B is packed as B^T [k x n] into a per-thread
    /// scratch panel (k n copies against m n k multiply-adds) and the register-blocked A*B kernels run; skinny outputs
    /// (n &lt; 4, such as a policy head with 2 logits or a value head with 1) take dot products along the contiguous k.
    /// Either way the arithmetic for output (i, j) depends on k and n only, never on m.
    /// </summary>
    private static void TransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate, GemmIsa isa)
    {
        if (isa != GemmIsa.Scalar && n >= 4 && k > 0 && m > 0)
        {
            var packed = PackTransposed(b, n, k);
            StridedA(a, rowStride: k, depthStride: 1, packed, c, m, k, n, accumulate, isa);
            return;
        }

        ref double ra = ref MemoryMarshal.GetReference(a);
        ref double rb = ref MemoryMarshal.GetReference(b);
        ref double rc = ref MemoryMarshal.GetReference(c);
        bool dot = isa != GemmIsa.Scalar && k >= 4;
        for (int i = 0; i < m; i++)
        {
            ref double arow = ref Unsafe.Add(ref ra, i * k);
            for (int j = 0; j < n; j++)
            {
                ref double brow = ref Unsafe.Add(ref rb, j * k);
                double d = dot ? Dot(ref arow, ref brow, k) : PlainDot(ref arow, ref brow, k);
                ref double cij = ref Unsafe.Add(ref rc, i * n + j);
                cij = accumulate ? cij + d : d;
            }
        }
    }

    /// <summary>Copies B [n x k] into a per-thread scratch panel as B^T [k x n]; the panel grows once, then is reused.</summary>
    private static ReadOnlySpan<double> PackTransposed(ReadOnlySpan<double> b, int n, int k)
    {
        int size = n * k;
        var panel = t_packed;
        if (panel is null || panel.Length < size)
        {
            panel = t_packed = new double[Math.Max(size, 4096)];
        }

        var packed = panel.AsSpan(0, size);
        Transpose(b, n, k, packed);
        return packed;
    }

    /// <summary>
    /// Writes the transpose of <paramref name="source"/> [rows x cols] into <paramref name="destination"/> [cols x rows],
    /// in 4 x 4 register transposes where the shape allows. This is the layout the forward kernel multiplies by, so a
    /// weight transposed here once gives the same bits as one packed on every call.
    /// </summary>
    internal static void Transpose(ReadOnlySpan<double> source, int rows, int cols, Span<double> destination)
    {
        ref double src = ref MemoryMarshal.GetReference(source);
        ref double dst = ref MemoryMarshal.GetReference(destination);
        int j = 0;
        for (; j + 4 <= rows; j += 4)
        {
            int p = 0;
            for (; p + 4 <= cols; p += 4)
            {
                var r0 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, j * cols + p));
                var r1 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, (j + 1) * cols + p));
                var r2 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, (j + 2) * cols + p));
                var r3 = Vector256.LoadUnsafe(ref Unsafe.Add(ref src, (j + 3) * cols + p));
                var t0 = Avx.UnpackLow(r0, r1);
                var t1 = Avx.UnpackHigh(r0, r1);
                var t2 = Avx.UnpackLow(r2, r3);
                var t3 = Avx.UnpackHigh(r2, r3);
                Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, p * rows + j));
                Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref Unsafe.Add(ref dst, (p + 1) * rows + j));
                Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, (p + 2) * rows + j));
                Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref Unsafe.Add(ref dst, (p + 3) * rows + j));
            }

            for (; p < cols; p++)
            {
                for (int q = j; q < j + 4; q++)
                {
                    Unsafe.Add(ref dst, p * rows + q) = Unsafe.Add(ref src, q * cols + p);
                }
            }
        }

        for (; j < rows; j++)
        {
            for (int p = 0; p < cols; p++)
            {
                Unsafe.Add(ref dst, p * rows + j) = Unsafe.Add(ref src, j * cols + p);
            }
        }
    }

    /// <summary>
    /// Dot product along a contiguous k: four independent four-lane FMA chains (so the FMA latency overlaps), combined as
    /// (s0 + s1) + (s2 + s3), then a four-lane chain for what is left over, the lanes summed, then the scalar tail.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static double Dot(ref double arow, ref double brow, int k)
    {
        var s = Vector256<double>.Zero;
        int p = 0;
        if (k >= 16)
        {
            var s1 = Vector256<double>.Zero;
            var s2 = Vector256<double>.Zero;
            var s3 = Vector256<double>.Zero;
            for (; p + 16 <= k; p += 16)
            {
                s = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref arow, (nuint)p), Vector256.LoadUnsafe(ref brow, (nuint)p), s);
                s1 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref arow, (nuint)(p + 4)), Vector256.LoadUnsafe(ref brow, (nuint)(p + 4)), s1);
                s2 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref arow, (nuint)(p + 8)), Vector256.LoadUnsafe(ref brow, (nuint)(p + 8)), s2);
                s3 = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref arow, (nuint)(p + 12)), Vector256.LoadUnsafe(ref brow, (nuint)(p + 12)), s3);
            }

            s = (s + s1) + (s2 + s3);
        }

        for (; p + 4 <= k; p += 4)
        {
            s = Fma.MultiplyAdd(Vector256.LoadUnsafe(ref arow, (nuint)p), Vector256.LoadUnsafe(ref brow, (nuint)p), s);
        }

        double d = Vector256.Sum(s);
        for (; p < k; p++)
        {
            d = Math.FusedMultiplyAdd(Unsafe.Add(ref arow, p), Unsafe.Add(ref brow, p), d);
        }

        return d;
    }

    private static double PlainDot(ref double arow, ref double brow, int k)
    {
        double d = 0;
        for (int p = 0; p < k; p++)
        {
            d += Unsafe.Add(ref arow, p) * Unsafe.Add(ref brow, p);
        }

        return d;
    }
}
