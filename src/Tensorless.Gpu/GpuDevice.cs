using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;

namespace Tensorless.Gpu;

/// <summary>
/// One ILGPU accelerator (<see cref="DeviceKind.IlgpuCpu"/>, <see cref="DeviceKind.Cuda"/> or
/// <see cref="DeviceKind.OpenCl"/>) with its context, and the buffer helpers the kernels need: double buffers
/// (<see cref="MemoryBuffer1D{T, TStride}"/> of <c>double</c>, dense) and byte buffers for episode flags (1 = true, the
/// layout of a .NET <c>bool</c>). Work is queued on the accelerator's default stream, in order; copies to the host wait
/// for it, and <see cref="Synchronize"/> waits explicitly. Double precision throughout (<see cref="MathMode.Default"/>:
/// no demotion to float). <see cref="DeviceKind.Cpu"/> has no <see cref="GpuDevice"/>: it is the plain CPU kernels.
/// </summary>
public sealed class GpuDevice : IDisposable
{
    private static readonly ConcurrentDictionary<DeviceKind, string?> UnavailableReasons = new();

    private readonly Context context;
    private bool disposed;

    private GpuDevice(DeviceKind kind, Context context, Accelerator accelerator)
    {
        Kind = kind;
        this.context = context;
        Accelerator = accelerator;
    }

    /// <summary>Which kind of device this is.</summary>
    public DeviceKind Kind { get; }

    /// <summary>The ILGPU accelerator (for kernels of your own; <see cref="DeviceKernels"/> holds ours).</summary>
    public Accelerator Accelerator { get; }

    /// <summary>The device's name as ILGPU reports it, prefixed with the kind, e.g. <c>cuda: NVIDIA H200</c>.</summary>
    public string Name => $"{Kind.ToName()}: {Accelerator.Name}";

    /// <summary>
    /// Opens the first device of <paramref name="kind"/>: ILGPU's CPU accelerator, the first CUDA GPU, or the first OpenCL
    /// device that ILGPU can drive with double precision (OpenCL 2.0 generic address space and fp64).
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="kind"/> is <see cref="DeviceKind.Cpu"/> (the plain CPU kernels need no device).</exception>
    /// <exception cref="DeviceUnavailableException">No such accelerator exists here; the message says why.</exception>
    public static GpuDevice Create(DeviceKind kind)
    {
        if (kind == DeviceKind.Cpu)
        {
            throw new ArgumentException("Device 'cpu' runs the plain CPU kernels and has no GpuDevice; use ilgpu-cpu for ILGPU's CPU accelerator.", nameof(kind));
        }

        Context? context = null;
        try
        {
            context = CreateContext(kind);
            var accelerator = OpenAccelerator(kind, context);
            return new GpuDevice(kind, context, accelerator);
        }
        catch (DeviceUnavailableException)
        {
            context?.Dispose();
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // a missing driver or native library surfaces in many shapes (DllNotFound, TypeInitialization, ILGPU's own)
            context?.Dispose();
            throw new DeviceUnavailableException(kind, e.Message, e);
        }
    }

    /// <summary>
    /// Whether <see cref="Create"/> would find a device of <paramref name="kind"/> (always true for <see cref="DeviceKind.Cpu"/>
    /// and <see cref="DeviceKind.IlgpuCpu"/>). The answer is probed once per process and remembered.
    /// </summary>
    public static bool IsAvailable(DeviceKind kind) => UnavailableReason(kind) is null;

    /// <summary>Why <paramref name="kind"/> is unavailable, or null when it is available (probed once per process).</summary>
    public static string? UnavailableReason(DeviceKind kind)
    {
        if (kind is DeviceKind.Cpu or DeviceKind.IlgpuCpu)
        {
            return null;
        }

        return UnavailableReasons.GetOrAdd(kind, static k =>
        {
            try
            {
                using var device = Create(k);
                return null;
            }
            catch (DeviceUnavailableException e)
            {
                return e.Message;
            }
        });
    }

    /// <summary>Allocates a device buffer of <paramref name="length"/> doubles (contents undefined).</summary>
    public MemoryBuffer1D<double, Stride1D.Dense> Allocate(long length) => Accelerator.Allocate1D<double>(length);

    /// <summary>Allocates a device buffer of <paramref name="length"/> flag bytes (contents undefined).</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> AllocateFlags(long length) => Accelerator.Allocate1D<byte>(length);

    /// <summary>Allocates a device buffer holding a copy of <paramref name="values"/>.</summary>
    public MemoryBuffer1D<double, Stride1D.Dense> Upload(ReadOnlySpan<double> values)
    {
        var buffer = Allocate(values.Length);
        CopyToDevice(values, buffer.View);
        return buffer;
    }

    /// <summary>Allocates a device flag buffer holding <paramref name="flags"/> as bytes (1 = true).</summary>
    public MemoryBuffer1D<byte, Stride1D.Dense> UploadFlags(ReadOnlySpan<bool> flags)
    {
        var buffer = AllocateFlags(flags.Length);
        CopyToDevice(flags, buffer.View);
        return buffer;
    }

    /// <summary>Copies <paramref name="source"/> into the first <c>source.Length</c> elements of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The view is shorter than the source.</exception>
    public void CopyToDevice(ReadOnlySpan<double> source, ArrayView<double> destination)
    {
        CheckLength(destination.Length, source.Length);
        if (source.Length > 0)
        {
            destination.SubView(0, source.Length).CopyFromCPU(source);
        }
    }

    /// <summary>Copies flags (as bytes, 1 = true) into the first <c>source.Length</c> elements of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The view is shorter than the source.</exception>
    public void CopyToDevice(ReadOnlySpan<bool> source, ArrayView<byte> destination)
    {
        CheckLength(destination.Length, source.Length);
        if (source.Length > 0)
        {
            destination.SubView(0, source.Length).CopyFromCPU(MemoryMarshal.Cast<bool, byte>(source));
        }
    }

    /// <summary>Waits for queued work, then copies the first <c>destination.Length</c> elements of <paramref name="source"/> to the host.</summary>
    /// <exception cref="ArgumentException">The view is shorter than the destination.</exception>
    public void CopyToHost(ArrayView<double> source, Span<double> destination)
    {
        CheckLength(source.Length, destination.Length);
        Synchronize();
        if (destination.Length > 0)
        {
            source.SubView(0, destination.Length).CopyToCPU(destination);
        }
    }

    /// <summary>Waits for queued work, then copies flags (bytes, non-zero = true) to the host.</summary>
    /// <exception cref="ArgumentException">The view is shorter than the destination.</exception>
    public void CopyToHost(ArrayView<byte> source, Span<bool> destination)
    {
        CheckLength(source.Length, destination.Length);
        Synchronize();
        if (destination.Length > 0)
        {
            Span<byte> bytes = new byte[destination.Length];
            source.SubView(0, destination.Length).CopyToCPU(bytes);
            for (int i = 0; i < bytes.Length; i++)
            {
                destination[i] = bytes[i] != 0;
            }
        }
    }

    /// <summary>Waits for queued work and returns a new host array with the view's contents.</summary>
    public double[] Download(ArrayView<double> source)
    {
        var host = new double[source.Length];
        CopyToHost(source, host);
        return host;
    }

    /// <summary>Waits until every kernel and copy queued on this device has finished.</summary>
    public void Synchronize() => Accelerator.Synchronize();

    /// <inheritdoc />
    public void Dispose()
    {
        if (disposed)
        {
            return;
        }

        disposed = true;
        Accelerator.Dispose();
        context.Dispose();
    }

    private static Context CreateContext(DeviceKind kind) => Context.Create(builder =>
    {
        builder.Math(MathMode.Default).EnableAlgorithms();
        switch (kind)
        {
            case DeviceKind.IlgpuCpu:
                builder.CPU();
                break;
            case DeviceKind.Cuda:
                builder.Cuda();
                break;
            case DeviceKind.OpenCl:
                // every device, so an unusable one can be named with its reason instead of silently filtered out
                builder.OpenCL(static _ => true);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, $"Expected one of: {DeviceKinds.AllowedNames}.");
        }
    });

    private static Accelerator OpenAccelerator(DeviceKind kind, Context context)
    {
        switch (kind)
        {
            case DeviceKind.IlgpuCpu:
                return context.GetCPUDevice(0).CreateAccelerator(context);
            case DeviceKind.Cuda:
                var cuda = context.GetCudaDevices();
                if (cuda.Count == 0)
                {
                    throw new DeviceUnavailableException(kind, "no CUDA device found (no NVIDIA GPU or no CUDA driver on this machine).");
                }

                return cuda[0].CreateAccelerator(context);
            default:
                var devices = context.GetCLDevices();
                if (devices.Count == 0)
                {
                    throw new DeviceUnavailableException(kind, "no OpenCL device found (no ICD loader libOpenCL.so, or no installed platform).");
                }

                var reasons = new List<string>();
                foreach (var device in devices)
                {
                    if (!device.Capabilities.Float64)
                    {
                        reasons.Add($"{device.Name}: no double precision (cl_khr_fp64)");
                    }
                    else if (!device.Capabilities.GenericAddressSpace)
                    {
                        reasons.Add($"{device.Name}: no OpenCL generic address space, which ILGPU's OpenCL backend requires");
                    }
                    else
                    {
                        return device.CreateAccelerator(context);
                    }
                }

                throw new DeviceUnavailableException(kind, "no usable OpenCL device: " + string.Join("; ", reasons) + ".");
        }
    }

    private static void CheckLength(long viewLength, int needed)
    {
        if (viewLength < needed)
        {
            throw new ArgumentException($"The device view holds {viewLength} elements; {needed} are needed.");
        }
    }
}
