namespace Tensorless.Autodiff.Kernels;

/// <summary>Instruction-set level a GEMM call runs at.</summary>
internal enum GemmIsa
{
    /// <summary>Portable scalar code: plain multiply and add (machines without FMA).</summary>
    Scalar,

    /// <summary>256-bit AVX2 vectors with FMA.</summary>
    Avx2,

    /// <summary>512-bit AVX-512F vectors with FMA, falling back to 256-bit blocks for narrow column remainders.</summary>
    Avx512,
}
