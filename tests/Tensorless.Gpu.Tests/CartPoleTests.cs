using Xunit.Abstractions;

namespace Tensorless.Gpu.Tests;

/// <summary>The batched device CartPole against the CPU env over a long trajectory with random actions and resets.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class CartPoleTests(IlgpuCpuFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void CartPole_1000StepsRandomActionsAndResets_Within1e12OfCpu()
    {
        var report = EnvTrajectory.Run(fixture.Kernels, "CartPole-v1", seed: 41, envs: 5, steps: 1000);

        // measured: 0 (the same bits) on ILGPU's CPU accelerator, whose sin and cos are .NET's
        output.WriteLine($"CartPole-v1 over 1000 steps x 5 envs: {report}");
    }

    [DeviceFact(DeviceKind.Cuda)]
    public void CartPole_OnCuda_Within1e12OfCpu() => GemmTests.OnDevice(DeviceKind.Cuda, k => EnvTrajectory.Run(k, "CartPole-v1", 42, 64, 1000));

    [DeviceFact(DeviceKind.OpenCl)]
    public void CartPole_OnOpenCl_Within1e12OfCpu() => GemmTests.OnDevice(DeviceKind.OpenCl, k => EnvTrajectory.Run(k, "CartPole-v1", 43, 64, 1000));
}
