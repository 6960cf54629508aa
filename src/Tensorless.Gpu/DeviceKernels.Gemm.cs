using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    /// <summary>
    /// C[m, n] (+)= A[m, k] * B[k, n]: effectively <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[i, p] B[p, j]</c>,
    /// the same bits as <c>Gemm.MatMul</c> on an FMA machine.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void MatMul(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int m, int k, int n, bool accumulate = false) =>
        BatchedMatMul(a, b, c, 1, m, k, n, accumulate);

    /// <summary>
    /// C[m, n] (+)= A[k, m]^T * B[k, n]: effectively <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[p, i] B[p, j]</c>
    /// (a weight gradient), the same bits as <c>Gemm.MatMulTransposeA</c> on an FMA machine.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void MatMulTransposeA(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int m, int k, int n, bool accumulate = false) =>
        BatchedMatMulTransposeA(a, b, c, 1, m, k, n, accumulate);

    /// <summary>
    /// C[m, n] (+)= A[m, k] * B[n, k]^T: effectively <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[i, p] B[j, p]</c>
    /// (a linear layer's forward pass), the same bits as <c>Gemm.MatMulTransposeB</c> on an FMA machine, including its
    /// skinny path (n &lt; 4 or k = 0).
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void MatMulTransposeB(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int m, int k, int n, bool accumulate = false) =>
        BatchedMatMulTransposeB(a, b, c, 1, m, k, n, accumulate);

    /// <summary>
    /// <see cref="MatMul"/> for <paramref name="batch"/> independent products in one launch (one per agent of a
    /// population): A holds <paramref name="batch"/> [m x k] matrices back to back, B as many [k x n], C as many [m x n].
    /// Each product has the bits <see cref="MatMul"/> gives it alone.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void BatchedMatMul(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int batch, int m, int k, int n, bool accumulate = false)
    {
        CheckGemm(batch, a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)k * n);
        LaunchTiled(new GemmShape(m, k, n, k, 1, n, 1, accumulate ? 1 : 0, m * k, k * n, m * n), batch, a, b, c);
    }

    /// <summary><see cref="MatMulTransposeA"/> for <paramref name="batch"/> products: A holds [k x m] matrices back to back, B [k x n], C [m x n].</summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void BatchedMatMulTransposeA(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int batch, int m, int k, int n, bool accumulate = false)
    {
        CheckGemm(batch, a.Length, b.Length, c.Length, m, k, n, (long)k * m, (long)k * n);
        LaunchTiled(new GemmShape(m, k, n, 1, m, n, 1, accumulate ? 1 : 0, k * m, k * n, m * n), batch, a, b, c);
    }

    /// <summary><see cref="MatMulTransposeB"/> for <paramref name="batch"/> products: A holds [m x k] matrices back to back, B [n x k] (a layer's weights per agent), C [m x n].</summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void BatchedMatMulTransposeB(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int batch, int m, int k, int n, bool accumulate = false)
    {
        CheckGemm(batch, a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)n * k);
        var shape = new GemmShape(m, k, n, k, 1, 1, k, accumulate ? 1 : 0, m * k, n * k, m * n);
        if (n >= 4 && k > 0 && m > 0)
        {
            LaunchTiled(shape, batch, a, b, c);
        }
        else if (m > 0 && n > 0 && batch > 0)
        {
            gemmSkinny(batch * m * n, shape, a, b, c);
        }
    }

    private void LaunchTiled(GemmShape shape, int batch, ArrayView<double> a, ArrayView<double> b, ArrayView<double> c)
    {
        if (shape.M == 0 || shape.N == 0 || batch == 0)
        {
            return;
        }

        if (direct)
        {
            gemmDirect(batch * shape.M * shape.N, shape, a, b, c);
            return;
        }

        var grid = new Index3D((shape.N + tile - 1) / tile, (shape.M + tile - 1) / tile, batch);
        var config = new KernelConfig(grid, new Index3D(tile, tile, 1), SharedMemoryConfig.RequestDynamic<double>(2 * tile * tile));
        gemmTiled(config, shape, a, b, c);
    }

    private static void CheckGemm(int batch, long aLen, long bLen, long cLen, int m, int k, int n, long aNeed, long bNeed)
    {
        if (batch < 0 || m < 0 || k < 0 || n < 0)
        {
            throw new ArgumentException($"GEMM dimensions must be non-negative, got batch={batch}, m={m}, k={k}, n={n}.");
        }

        if ((long)batch * Math.Max(Math.Max(aNeed, bNeed), (long)m * n) > int.MaxValue)
        {
            throw new ArgumentException($"A batched GEMM of {batch} x (m={m}, k={k}, n={n}) has more than {int.MaxValue:N0} elements in an operand; split the batch.");
        }

        if (aLen < batch * aNeed || bLen < batch * bNeed || cLen < (long)batch * m * n)
        {
            string times = batch == 1 ? "" : $"{batch} x ";
            throw new ArgumentException(
                $"GEMM with {(batch == 1 ? "" : $"batch={batch}, ")}m={m}, k={k}, n={n} needs A of {times}{aNeed}, B of {times}{bNeed} and C of {times}{(long)m * n} elements, got {aLen}, {bLen} and {cLen}.");
        }
    }
}
