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
        LoadMvn(accelerator);
        LoadTraining(accelerator);
        LoadEnvs(accelerator);
        LoadRollout(accelerator);
        LoadPopulation(accelerator);
    }

    /// <summary>The device these kernels run on.</summary>
    public GpuDevice Device => device;

    /// <summary>The side of the square thread group (and shared-memory tile) the tiled GEMM uses on this device (ILGPU's CPU accelerator runs the barrier-free one-thread-per-output GEMM instead).</summary>
    public int GemmTile => tile;

    private static void CheckLength(long have, long need, [CallerArgumentExpression(nameof(have))] string name = "")
    {
        if (have < need)
        {
            throw new ArgumentException($"The view {name} holds {have} elements; the shape needs {need}.");
        }
    }
}
