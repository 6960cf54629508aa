using Xunit.Abstractions;

namespace Tensorless.Gpu.Tests;

/// <summary>
/// The batched device steps of the other classic-control envs against the CPU envs: 1000 steps of 5 envs each, with
/// the CPU env's resets copied into the device, state and reward within 1e-12 relative, termination flags exact.
/// </summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class ClassicEnvTests(IlgpuCpuFixture fixture, ITestOutputHelper output)
{
    public static TheoryData<string, int> Envs => new()
    {
        { "CartPoleSwingUp-v0", 51 },
        { "Pendulum-v1", 52 },
        { "Acrobot-v1", 53 },
        { "MountainCar-v0", 54 },
        { "MountainCarContinuous-v0", 55 },
    };

    // measured on ILGPU's CPU accelerator (whose sin, cos and pow are .NET's), largest relative difference over 1000
    // steps x 5 envs in state, reward and observation: 0 for every env (the same bits)
    [Theory]
    [MemberData(nameof(Envs))]
    public void Env_1000StepsRandomActionsAndResets_Within1e12OfCpu(string id, int seed)
    {
        var report = EnvTrajectory.Run(fixture.Kernels, id, seed, envs: 5, steps: 1000);

        output.WriteLine($"{id} over 1000 steps x 5 envs: {report}");
        if (id != "Pendulum-v1")
        {
            // the policies are chosen so every env with a terminal state reaches it: the termination branch runs
            Assert.True(report.Terminations > 0, $"{id}: no episode terminated, so the termination rule went untested");
        }
    }

    [DeviceTheory(DeviceKind.Cuda)]
    [MemberData(nameof(Envs))]
    public void Env_OnCuda_EachStepWithin1e12OfCpu(string id, int seed) =>
        GemmTests.OnDevice(DeviceKind.Cuda, k => output.WriteLine($"{id} on CUDA: {EnvTrajectory.Run(k, id, seed, envs: 64, steps: 1000, resync: true)}"));

    [DeviceTheory(DeviceKind.OpenCl)]
    [MemberData(nameof(Envs))]
    public void Env_OnOpenCl_EachStepWithin1e12OfCpu(string id, int seed) =>
        GemmTests.OnDevice(DeviceKind.OpenCl, k => output.WriteLine($"{id} on OpenCL: {EnvTrajectory.Run(k, id, seed, envs: 64, steps: 1000, resync: true)}"));
}
