using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

/// <summary>
/// The device counterparts of the CPU kernels in <c>Tensorless.Autodiff.Kernels</c> that the training loop runs, each
/// compiled once for one <see cref="GpuDevice"/> when this object is built. Every method takes the CPU kernel's
/// arguments in its order, with <see cref="ArrayView{T}"/> of <c>double</c> for spans, byte views for bool flags
/// (1 = true) and explicit row counts where the CPU form reads them off a span's length; an empty view stands for an
/// empty span (an input that needs no gradient). Launches are queued on the device's stream and return at once; read
/// results with <see cref="GpuDevice.CopyToHost(ArrayView{double}, Span{double})"/>, which waits. Scalar results (losses,
/// norms) are written to a one-element view so the update can stay on the device.
/// <para>Exactness (docs/gpu.md): GEMM gives the CPU's bits; maps, rows and steps without transcendental functions give
/// the CPU's bits; kernels with exp/log/tanh/sin/cos differ by the device's maths library (0 on ILGPU's CPU accelerator,
/// which calls .NET's Math, except tanh, where the CPU uses TensorPrimitives' own); the few CPU kernels that sum with
/// TensorPrimitives' vector lanes (row sums, squared norm, log-softmax backward) are summed here in index order.</para>
/// </summary>
public sealed partial class DeviceKernels
{
    private readonly GpuDevice device;
    private readonly int tile;
    private readonly Action<KernelConfig, GemmShape, ArrayView<double>, ArrayView<double>, ArrayView<double>> gemmTiled;
    private readonly Action<Index1D, GemmShape, ArrayView<double>, ArrayView<double>, ArrayView<double>> gemmSkinny;
    private readonly Action<Index1D, GemmShape, ArrayView<double>, ArrayView<double>, ArrayView<double>> gemmDirect;
    private readonly bool direct;

    /// <summary>Compiles every kernel for <paramref name="device"/> (seconds on first use; do it once per device).</summary>
    public DeviceKernels(GpuDevice device)
        : this(device, tiledGemm: device?.Kind != DeviceKind.IlgpuCpu)
    {
    }

    /// <summary>Compiles every kernel; <paramref name="tiledGemm"/> picks the shared-memory GEMM (tests run it on ILGPU's CPU accelerator too).</summary>
    internal DeviceKernels(GpuDevice device, bool tiledGemm)
    {
        ArgumentNullException.ThrowIfNull(device);
        this.device = device;
        var accelerator = device.Accelerator;

        // 16 x 16 tiles on a GPU; ILGPU's CPU accelerator allows 16 threads per group, so 4 x 4 there
        tile = (int)Math.Sqrt(Math.Min(256, accelerator.MaxNumThreadsPerGroup));
        gemmTiled = accelerator.LoadStreamKernel<GemmShape, ArrayView<double>, ArrayView<double>, ArrayView<double>>(GemmKernels.Tiled);
        gemmSkinny = accelerator.LoadAutoGroupedStreamKernel<Index1D, GemmShape, ArrayView<double>, ArrayView<double>, ArrayView<double>>(GemmKernels.SkinnyTransposeB);
        gemmDirect = accelerator.LoadAutoGroupedStreamKernel<Index1D, GemmShape, ArrayView<double>, ArrayView<double>, ArrayView<double>>(GemmKernels.Direct);
        // ILGPU's CPU accelerator emulates group barriers with thread handshakes: the barrier-free kernel is far faster there
        direct = !tiledGemm;
        LoadElementwise(accelerator);
        LoadRows(accelerator);
        LoadGaussian(accelerator);
        LoadTraining(accelerator);
        LoadEnvs(accelerator);
    }

    /// <summary>The device these kernels run on.</summary>
    public GpuDevice Device => device;

    /// <summary>The side of the square thread group (and shared-memory tile) the tiled GEMM uses on this device (ILGPU's CPU accelerator runs the barrier-free one-thread-per-output GEMM instead).</summary>
    public int GemmTile => tile;

    /// <summary>
    /// C[m, n] (+)= A[m, k] * B[k, n]: effectively <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[i, p] B[p, j]</c>,
    /// the same bits as <c>Gemm.MatMul</c> on an FMA machine.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void MatMul(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckGemm(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)k * n);
        LaunchTiled(new GemmShape(m, k, n, k, 1, n, 1, accumulate ? 1 : 0), a, b, c);
    }

    /// <summary>
    /// C[m, n] (+)= A[k, m]^T * B[k, n]: effectively <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[p, i] B[p, j]</c>
    /// (a weight gradient), the same bits as <c>Gemm.MatMulTransposeA</c> on an FMA machine.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void MatMulTransposeA(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckGemm(a.Length, b.Length, c.Length, m, k, n, (long)k * m, (long)k * n);
        LaunchTiled(new GemmShape(m, k, n, 1, m, n, 1, accumulate ? 1 : 0), a, b, c);
    }

    /// <summary>
    /// C[m, n] (+)= A[m, k] * B[n, k]^T: effectively <c>C[i, j] = (accumulate ? C[i, j] : 0) + sum_p A[i, p] B[j, p]</c>
    /// (a linear layer's forward pass), the same bits as <c>Gemm.MatMulTransposeB</c> on an FMA machine, including its
    /// skinny path (n &lt; 4 or k = 0).
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than its shape requires, or a dimension is negative.</exception>
    public void MatMulTransposeB(ArrayView<double> a, ArrayView<double> b, ArrayView<double> c, int m, int k, int n, bool accumulate = false)
    {
        CheckGemm(a.Length, b.Length, c.Length, m, k, n, (long)m * k, (long)n * k);
        var shape = new GemmShape(m, k, n, k, 1, 1, k, accumulate ? 1 : 0);
        if (n >= 4 && k > 0 && m > 0)
        {
            LaunchTiled(shape, a, b, c);
        }
        else if (m > 0 && n > 0)
        {
            gemmSkinny(m * n, shape, a, b, c);
        }
    }

    private void LaunchTiled(GemmShape shape, ArrayView<double> a, ArrayView<double> b, ArrayView<double> c)
    {
        if (shape.M == 0 || shape.N == 0)
        {
            return;
        }

        if (direct)
        {
            gemmDirect(shape.M * shape.N, shape, a, b, c);
            return;
        }

        var grid = new Index2D((shape.N + tile - 1) / tile, (shape.M + tile - 1) / tile);
        var config = new KernelConfig(grid, new Index2D(tile, tile), SharedMemoryConfig.RequestDynamic<double>(2 * tile * tile));
        gemmTiled(config, shape, a, b, c);
    }

    private static void CheckGemm(long aLen, long bLen, long cLen, int m, int k, int n, long aNeed, long bNeed)
    {
        if (m < 0 || k < 0 || n < 0)
        {
            throw new ArgumentException($"GEMM dimensions must be non-negative, got m={m}, k={k}, n={n}.");
        }

        if (aLen < aNeed || bLen < bNeed || cLen < (long)m * n)
        {
            throw new ArgumentException(
                $"GEMM with m={m}, k={k}, n={n} needs A of {aNeed}, B of {bNeed} and C of {(long)m * n} elements, got {aLen}, {bLen} and {cLen}.");
        }
    }

    private static void CheckLength(long have, long need, [CallerArgumentExpression(nameof(have))] string name = "")
    {
        if (have < need)
        {
            throw new ArgumentException($"The view {name} holds {have} elements; the shape needs {need}.");
        }
    }
}
