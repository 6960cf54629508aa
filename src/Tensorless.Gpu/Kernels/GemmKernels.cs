using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// The shape and operand layout of one GEMM launch: <c>a(i, p) = A[i * ARow + p * ADepth]</c>,
/// <c>b(p, j) = B[p * BDepth + j * BCol]</c>, for a batch of independent products whose operands lie
/// <see cref="StrideA"/>, <see cref="StrideB"/> and <see cref="StrideC"/> elements apart (a single product: batch 1,
/// strides 0).
/// </summary>
internal readonly record struct GemmShape(int M, int K, int N, int ARow, int ADepth, int BDepth, int BCol, int Accumulate, int StrideA = 0, int StrideB = 0, int StrideC = 0);

/// <summary>
/// Device bodies of the GEMM. Both mirror <c>Tensorless.Autodiff.Kernels.Gemm</c> on FMA machines output by output:
/// the strided path (A*B, A^T*B, and A*B^T with n &gt;= 4) is one fused chain over p in order, restarted every
/// <see cref="KBlock"/> steps and added into C block by block; the skinny A*B^T (n &lt; 4) is the CPU's 16-lane dot.
/// </summary>
internal static class GemmKernels
{
    /// <summary>The CPU GEMM's cache-block depth (Gemm.KBlock): each block's chain starts at 0 and is added into C.</summary>
    public const int KBlock = 256;

    /// <summary>
    /// Shared-memory tiled GEMM: a square group of tile x tile threads computes a tile x tile block of C; each step
    /// stages a tile of A's rows and of B's columns in shared memory (dynamic, 2 tile^2 doubles) and every thread runs
    /// its own output's chain across the staged depth in order, so tiling never changes a result.
    /// </summary>
    public static void Tiled(GemmShape s, ArrayView<double> a, ArrayView<double> b, ArrayView<double> c)
    {
        int tile = Group.DimX;
        var shared = SharedMemory.GetDynamic<double>();
        int tx = Group.IdxX;
        int ty = Group.IdxY;
        int row = (Grid.IdxY * tile) + ty;
        int col = (Grid.IdxX * tile) + tx;
        int batch = Grid.IdxZ;
        int ao = batch * s.StrideA;
        int bo = batch * s.StrideB;
        int co = (batch * s.StrideC) + (row * s.N) + col;
        bool inside = row < s.M && col < s.N;
        double total = inside && s.Accumulate != 0 ? c[co] : 0.0;
        double acc = 0.0;
        int inBlock = 0;
        int bOffset = tile * tile;
        for (int p0 = 0; p0 < s.K; p0 += tile)
        {
            int pa = p0 + tx;
            shared[(ty * tile) + tx] = row < s.M && pa < s.K ? a[ao + (row * s.ARow) + (pa * s.ADepth)] : 0.0;
            int pb = p0 + ty;
            shared[bOffset + (ty * tile) + tx] = col < s.N && pb < s.K ? b[bo + (pb * s.BDepth) + (col * s.BCol)] : 0.0;
            Group.Barrier();
            int depth = s.K - p0 < tile ? s.K - p0 : tile;
            for (int q = 0; q < depth; q++)
            {
                acc = Math.FusedMultiplyAdd(shared[(ty * tile) + q], shared[bOffset + (q * tile) + tx], acc);
                inBlock++;
                if (inBlock == KBlock)
                {
                    total += acc;
                    acc = 0.0;
                    inBlock = 0;
                }
            }

            Group.Barrier();
        }

        if (inBlock > 0)
        {
            total += acc;
        }

        if (inside)
        {
            c[co] = total;
        }
    }

    /// <summary>
    /// The same chain as <see cref="Tiled"/>, one thread per output and no shared memory or barriers: what ILGPU's CPU
    /// accelerator runs, where a group barrier costs a thread handshake and the tiled kernel takes seconds per call.
    /// </summary>
    public static void Direct(Index1D index, GemmShape s, ArrayView<double> a, ArrayView<double> b, ArrayView<double> c)
    {
        int batch = index / (s.M * s.N);
        int local = index - (batch * s.M * s.N);
        int row = local / s.N;
        int col = local - (row * s.N);
        int ao = batch * s.StrideA;
        int bo = batch * s.StrideB;
        int co = (batch * s.StrideC) + local;
        double total = s.Accumulate != 0 ? c[co] : 0.0;
        for (int p0 = 0; p0 < s.K; p0 += KBlock)
        {
            int p1 = s.K - p0 < KBlock ? s.K : p0 + KBlock;
            double acc = 0.0;
            for (int p = p0; p < p1; p++)
            {
                acc = Math.FusedMultiplyAdd(a[ao + (row * s.ARow) + (p * s.ADepth)], b[bo + (p * s.BDepth) + (col * s.BCol)], acc);
            }

            total += acc;
        }

        c[co] = total;
    }

    /// <summary>
    /// C[i, j] (+)= dot(A[i, :], B[j, :]) as the CPU's skinny A*B^T path computes it: for k &gt;= 4 four four-lane FMA
    /// chains over 16-wide steps, combined lane-wise as (s0 + s1) + (s2 + s3), a four-lane chain over the 4-wide
    /// remainder, the lanes summed as (l0 + l1) + (l2 + l3), then a scalar FMA tail; for k &lt; 4 a plain multiply-add
    /// loop. Accumulation adds the dot to C; otherwise C is the dot. One thread per output.
    /// </summary>
    public static void SkinnyTransposeB(Index1D index, GemmShape s, ArrayView<double> a, ArrayView<double> b, ArrayView<double> c)
    {
        int batch = index / (s.M * s.N);
        int local = index - (batch * s.M * s.N);
        int i = local / s.N;
        int j = local - (i * s.N);
        int ar = (batch * s.StrideA) + (i * s.K);
        int br = (batch * s.StrideB) + (j * s.K);
        int k = s.K;
        double d;
        if (k >= 4)
        {
            double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
            int p = 0;
            if (k >= 16)
            {
                double t0 = 0.0, t1 = 0.0, t2 = 0.0, t3 = 0.0;
                double u0 = 0.0, u1 = 0.0, u2 = 0.0, u3 = 0.0;
                double w0 = 0.0, w1 = 0.0, w2 = 0.0, w3 = 0.0;
                for (; p + 16 <= k; p += 16)
                {
                    s0 = Math.FusedMultiplyAdd(a[ar + p], b[br + p], s0);
                    s1 = Math.FusedMultiplyAdd(a[ar + p + 1], b[br + p + 1], s1);
                    s2 = Math.FusedMultiplyAdd(a[ar + p + 2], b[br + p + 2], s2);
                    s3 = Math.FusedMultiplyAdd(a[ar + p + 3], b[br + p + 3], s3);
                    t0 = Math.FusedMultiplyAdd(a[ar + p + 4], b[br + p + 4], t0);
                    t1 = Math.FusedMultiplyAdd(a[ar + p + 5], b[br + p + 5], t1);
                    t2 = Math.FusedMultiplyAdd(a[ar + p + 6], b[br + p + 6], t2);
                    t3 = Math.FusedMultiplyAdd(a[ar + p + 7], b[br + p + 7], t3);
                    u0 = Math.FusedMultiplyAdd(a[ar + p + 8], b[br + p + 8], u0);
                    u1 = Math.FusedMultiplyAdd(a[ar + p + 9], b[br + p + 9], u1);
                    u2 = Math.FusedMultiplyAdd(a[ar + p + 10], b[br + p + 10], u2);
                    u3 = Math.FusedMultiplyAdd(a[ar + p + 11], b[br + p + 11], u3);
                    w0 = Math.FusedMultiplyAdd(a[ar + p + 12], b[br + p + 12], w0);
                    w1 = Math.FusedMultiplyAdd(a[ar + p + 13], b[br + p + 13], w1);
                    w2 = Math.FusedMultiplyAdd(a[ar + p + 14], b[br + p + 14], w2);
                    w3 = Math.FusedMultiplyAdd(a[ar + p + 15], b[br + p + 15], w3);
                }

                s0 = (s0 + t0) + (u0 + w0);
                s1 = (s1 + t1) + (u1 + w1);
                s2 = (s2 + t2) + (u2 + w2);
                s3 = (s3 + t3) + (u3 + w3);
            }

            for (; p + 4 <= k; p += 4)
            {
                s0 = Math.FusedMultiplyAdd(a[ar + p], b[br + p], s0);
                s1 = Math.FusedMultiplyAdd(a[ar + p + 1], b[br + p + 1], s1);
                s2 = Math.FusedMultiplyAdd(a[ar + p + 2], b[br + p + 2], s2);
                s3 = Math.FusedMultiplyAdd(a[ar + p + 3], b[br + p + 3], s3);
            }

            d = (s0 + s1) + (s2 + s3);
            for (; p < k; p++)
            {
                d = Math.FusedMultiplyAdd(a[ar + p], b[br + p], d);
            }
        }
        else
        {
            d = 0.0;
            for (int p = 0; p < k; p++)
            {
                d += a[ar + p] * b[br + p];
            }
        }

        int o = (batch * s.StrideC) + local;
        c[o] = s.Accumulate != 0 ? c[o] + d : d;
    }
}
