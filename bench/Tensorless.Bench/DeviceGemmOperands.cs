using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu;

namespace Tensorless.Bench;

/// <summary>
/// A GEMM benchmark's operands resident on an accelerator: the device, its compiled kernels, A and B uploaded and C
/// allocated. <see cref="Create"/> gives null for <c>cpu</c>, whose benchmarks call the CPU kernels on the arrays.
/// </summary>
internal sealed class DeviceGemmOperands : IDisposable
{
    private DeviceGemmOperands(GpuDevice device, double[] a, double[] b, int cLength)
    {
        Device = device;
        Kernels = new DeviceKernels(device);
        A = device.Upload(a);
        B = device.Upload(b);
        C = device.Allocate(cLength);
    }

    public GpuDevice Device { get; }

    public DeviceKernels Kernels { get; }

    public MemoryBuffer1D<double, Stride1D.Dense> A { get; }

    public MemoryBuffer1D<double, Stride1D.Dense> B { get; }

    public MemoryBuffer1D<double, Stride1D.Dense> C { get; }

    /// <summary>The operands on the device <paramref name="device"/> names, or null for <c>cpu</c>.</summary>
    public static DeviceGemmOperands? Create(string device, double[] a, double[] b, int cLength)
    {
        var kind = DeviceKinds.Parse(device);
        return kind == DeviceKind.Cpu ? null : new DeviceGemmOperands(GpuDevice.Create(kind), a, b, cLength);
    }

    /// <summary>Frees the buffers and the device.</summary>
    public void Dispose() => Device.Dispose();
}
