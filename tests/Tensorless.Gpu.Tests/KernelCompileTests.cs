using System.Reflection;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.OpenCL;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.Cuda;
using ILGPU.Runtime.OpenCL;
using Tensorless.Gpu.Kernels;
using Xunit.Abstractions;

namespace Tensorless.Gpu.Tests;

/// <summary>
/// Every device kernel compiles for ILGPU's CUDA (PTX) and OpenCL C backends without a device: the other tests run the
/// IL on ILGPU's CPU accelerator, which compiles nothing, so a construct those backends reject (an unsupported Math
/// call, a helper from Tensorless.Envs, an out parameter, shared memory misuse) would otherwise surface only on a GPU,
/// when <see cref="DeviceKernels"/> compiles every kernel at once. The kernels are found by reflection: every public
/// static method of the static classes in <c>Tensorless.Gpu.Kernels</c> whose first parameter is its thread index, and
/// the explicitly grouped tiled GEMM.
/// </summary>
public sealed class KernelCompileTests(ITestOutputHelper output)
{
    [Fact]
    public void TheKernelList_HoldsEveryFamily()
    {
        var names = Kernels().Select(k => k.Method.DeclaringType!.Name).Distinct().ToArray();
        foreach (var family in new[] { "GemmKernels", "MapKernels", "RowKernels", "GaussianRowKernels", "MvnRowKernels", "TriangularRowKernels", "TrainingKernels", "PopulationTrainingKernels", "CartPoleKernels", "AcrobotKernels" })
        {
            Assert.Contains(family, names);
        }

        Assert.Contains(Kernels(), k => k.Method.Name == nameof(GemmKernels.Tiled) && k.Explicit);
    }

    [Fact]
    public void Kernels_CompileForPtx_WithoutDevice()
    {
        // the context GpuDevice builds (double-precision maths, ILGPU.Algorithms' XMath for the functions PTX lacks)
        using var context = Context.Create(b => b.Math(MathMode.Default).EnableAlgorithms());
        using var backend = new PTXBackend(context, CudaArchitecture.SM_70, CudaInstructionSet.ISA_70, null!);
        foreach (var (method, isExplicit) in Kernels())
        {
            var compiled = (PTXCompiledKernel)backend.Compile(EntryPoint(method, isExplicit), KernelSpecialization.Empty);
            Assert.Contains(".entry", compiled.PTXAssembly, StringComparison.Ordinal);
        }

        output.WriteLine($"compiled {Kernels().Count()} kernels to PTX");
    }

    [Fact]
    public void Kernels_CompileForOpenClC_WithoutDevice()
    {
        using var context = Context.Create(b => b.Math(MathMode.Default).EnableAlgorithms());
        var capabilities = new CLCapabilityContext(true, true, true, true, true);
        using var backend = new CLBackend(context, capabilities, CLDeviceVendor.Other, CLCVersion.CL20);
        foreach (var (method, isExplicit) in Kernels())
        {
            var compiled = (CLCompiledKernel)backend.Compile(EntryPoint(method, isExplicit), KernelSpecialization.Empty);
            Assert.Contains("kernel", compiled.Source, StringComparison.Ordinal);
        }
    }

    private static EntryPointDescription EntryPoint(MethodInfo method, bool isExplicit) =>
        isExplicit ? EntryPointDescription.FromExplicitlyGroupedKernel(method) : EntryPointDescription.FromImplicitlyGroupedKernel(method);

    private static IEnumerable<(MethodInfo Method, bool Explicit)> Kernels() =>
        typeof(DeviceKernels).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(GemmKernels).Namespace && t.IsAbstract && t.IsSealed)
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Where(m => m.GetParameters() is [var first, ..] && (first.ParameterType == typeof(Index1D) || first.ParameterType == typeof(GemmShape)))
            .Select(m => (m, m.GetParameters()[0].ParameterType == typeof(GemmShape)));
}
