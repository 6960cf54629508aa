using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics.X86;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// Dense row-major double GEMM in the three layouts a linear layer needs (forward, input gradient and weight gradient).
/// Every method effectively computes <c>C = beta * C + op(A) * op(B)</c> with <c>beta</c> 0 (overwrite) or 1 (accumulate).
/// <para>
/// On machines with FMA every output element is one fused multiply-add chain over the shared dimension, in order, in
/// blocks of <see cref="KBlock"/>; the AVX-512 (4 x 16), AVX2 (4 x 8, 4 x 4) and scalar remainder paths all compute
/// exactly that chain, so results are the same bits whatever the vector width, the blocking, or the number of rows in
/// the call (a row evaluated alone equals the same row in a batch). Without FMA a portable scalar path runs.
/// </para>
/// Kernels know nothing about the tape: this class is the seam a GPU backend would implement.
/// </summary>
public static partial class Gemm
{
    /// <summary>Depth of one cache block over the shared dimension: a 4 x KC panel of A and KC x 16 of B stay in L1.</summary>
    internal const int KBlock = 256;

    /// <summary>The instruction set this machine runs GEMM with.</summary>
    internal static readonly GemmIsa Isa =
        Avx512F.IsSupported && Fma.IsSupported ? GemmIsa.Avx512
        : Avx2.IsSupported && Fma.IsSupported ? GemmIsa.Avx2
        : GemmIsa.Scalar;

    /// <summary>The instruction set GEMM runs with here: <c>Avx512</c>, <c>Avx2</c> or <c>Scalar</c> (for reports).</summary>
    public static string InstructionSet => Isa.ToString();

    /// <summary>True where a vectorised (FMA) path runs on this machine.</summary>
    public static bool IsVectorized => Isa != GemmIsa.Scalar;

    /// <summary>
    /// C[m, n] (+)= A[m, k] * B[k, n]. Effectively computes <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[i, p] * B[p, j]</c>.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape requires, or a dimension is negative.</exception>
    public static void MatMul(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)k * n);
        StridedA(a, rowStride: k, depthStride: 1, b, c, m, k, n, accumulate, Isa);
    }

    /// <summary>
    /// C[m, n] (+)= A[k, m]^T * B[k, n]. Effectively computes <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[p, i] * B[p, j]</c>;
    /// this is the weight gradient <c>dW = dY^T X</c> of a linear layer.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape requires, or a dimension is negative.</exception>
    public static void MatMulTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)k * m, (long)k * n);
        StridedA(a, rowStride: 1, depthStride: m, b, c, m, k, n, accumulate, Isa);
    }

    /// <summary>
    /// C[m, n] (+)= A[m, k] * B[n, k]^T. Effectively computes <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[i, p] * B[j, p]</c>;
    /// this is a linear layer's forward pass with PyTorch's [out, in] weight layout.
    /// </summary>
    /// <exception cref="ArgumentException">A span is shorter than its shape requires, or a dimension is negative.</exception>
    public static void MatMulTransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckShapes(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)n * k);
        TransposeB(a, b, c, m, k, n, accumulate, Isa);
    }

    /// <summary>Runs MatMul at a chosen instruction set (tests compare the paths).</summary>
    internal static void MatMul(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate, GemmIsa isa)
        => StridedA(a, k, 1, b, c, m, k, n, accumulate, Supported(isa));

    /// <summary>Runs MatMulTransposeA at a chosen instruction set.</summary>
    internal static void MatMulTransposeA(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate, GemmIsa isa)
        => StridedA(a, 1, m, b, c, m, k, n, accumulate, Supported(isa));

    /// <summary>Runs MatMulTransposeB at a chosen instruction set.</summary>
    internal static void MatMulTransposeB(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate, GemmIsa isa)
        => TransposeB(a, b, c, m, k, n, accumulate, Supported(isa));

    /// <summary>The requested level, or the best this machine has below it.</summary>
    internal static GemmIsa Supported(GemmIsa wanted) => (GemmIsa)Math.Min((int)wanted, (int)Isa);

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
}
