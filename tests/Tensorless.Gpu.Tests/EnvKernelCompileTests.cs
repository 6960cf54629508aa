using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu.Tests;

/// <summary>
/// Every env kernel compiles for ILGPU's CUDA (PTX) and OpenCL C backends without a device: the trajectory tests run
/// the IL on ILGPU's CPU accelerator, which compiles nothing, so a construct those backends reject (an unsupported
/// Math call, a helper from Tensorless.Envs, an out parameter) would otherwise surface only on a GPU, when
/// <see cref="DeviceKernels"/> compiles every kernel at once.
/// </summary>
public sealed class EnvKernelCompileTests
{
    private static readonly Type[] EnvKernels =
    [
        typeof(CartPoleKernels), typeof(CartPoleSwingUpKernels), typeof(PendulumKernels), typeof(AcrobotKernels),
        typeof(MountainCarKernels), typeof(MountainCarContinuousKernels),
    ];

    [Fact]
    public void EnvKernels_CompileForPtx_WithoutDevice()
    {
        // the context GpuDevice builds (double-precision maths, ILGPU.Algorithms' XMath for the functions PTX lacks)
        using var context = Context.Create(b => b.Math(MathMode.Default).EnableAlgorithms());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, null!);
        foreach (var kernel in KernelMethods())
        {
            var compiled = (PTXCompiledKernel)backend.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(kernel), KernelSpecialization.Empty);
            Assert.Contains(".entry", compiled.PTXAssembly, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EnvKernels_CompileForOpenClC_WithoutDevice()
    {
        using var context = Context.Create(b => b.Math(MathMode.Default).EnableAlgorithms());
        var capabilities = new CLCapabilityContext(true, true, true, true, true);
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        foreach (var kernel in KernelMethods())
        {
            var compiled = (CLCompiledKernel)backend.Compile(EntryPointDescription.FromImplicitlyGroupedKernel(kernel), KernelSpecialization.Empty);
            Assert.Contains("kernel", compiled.Source, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<MethodInfo> KernelMethods() =>
        EnvKernels.SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)).Append(typeof(MapKernels).GetMethod(nameof(MapKernels.RoundToFloat32))!);
}
