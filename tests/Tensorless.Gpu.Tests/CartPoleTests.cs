using Tensorless.Autodiff;
using Tensorless.Envs;
using Xunit.Abstractions;

namespace Tensorless.Gpu.Tests;

/// <summary>The batched device CartPole against the CPU env over a long trajectory with random actions and resets.</summary>
[Collection(IlgpuCpuCollection.Name)]
public sealed class CartPoleTests(IlgpuCpuFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void CartPole_1000StepsRandomActionsAndResets_Within1e12OfCpu()
    {
        double worst = Trajectory(fixture.Kernels, seed: 41, envs: 5, steps: 1000);

        // measured: 0 (the same bits) on ILGPU's CPU accelerator, whose sin and cos are .NET's
        output.WriteLine($"CartPole: largest relative state difference over 1000 steps {worst:E2}");
    }

    [DeviceFact(DeviceKind.Cuda)]
    public void CartPole_OnCuda_Within1e12OfCpu() => GemmTests.OnDevice(DeviceKind.Cuda, k => Trajectory(k, 42, 64, 1000));

    [DeviceFact(DeviceKind.OpenCl)]
    public void CartPole_OnOpenCl_Within1e12OfCpu() => GemmTests.OnDevice(DeviceKind.OpenCl, k => Trajectory(k, 43, 64, 1000));

    /// <summary>
    /// Steps <paramref name="envs"/> CPU envs and the device batch with the same random actions; where the CPU episode ends
    /// the CPU env resets and its new state is copied into the device (as a device rollout would after a host-side reset).
    /// The device state is compared every step, and the reward, termination and observation exactly.
    /// </summary>
    internal static double Trajectory(DeviceKernels kernels, int seed, int envs, int steps)
    {
        var device = kernels.Device;
        var rng = new Xoshiro256((ulong)seed);
        var cpu = new IEnv[envs];
        var state = new double[envs * 4];
        var obs = new double[4];
        for (int i = 0; i < envs; i++)
        {
            cpu[i] = Gym.Make("CartPole-v1");
            cpu[i].Reset(obs, (ulong)(seed * 1000 + i));
            ((IStatefulEnv)cpu[i]).GetState(state.AsSpan(i * 4, 4));
        }

        using var dState = device.Upload(state);
        using var dBefore = device.UploadFlags(new bool[envs]);
        using var dActions = device.Allocate(envs);
        using var dRewards = device.Allocate(envs);
        using var dTerminated = device.AllocateFlags(envs);
        using var dObs = device.Allocate(envs * 4);
        var actions = new double[envs];
        var expectedState = new double[envs * 4];
        var expectedObs = new double[envs * 4];
        var expectedRewards = new double[envs];
        var expectedTerminated = new bool[envs];
        var ended = new bool[envs];
        var terminated = new bool[envs];
        double worst = 0;
        for (int t = 0; t < steps; t++)
        {
            for (int i = 0; i < envs; i++)
            {
                actions[i] = rng.NextInt(2);
                var result = cpu[i].Step(actions.AsSpan(i, 1), expectedObs.AsSpan(i * 4, 4));
                expectedRewards[i] = result.Reward;
                expectedTerminated[i] = result.Terminated;
                ended[i] = result.Terminated || result.Truncated;
                ((IStatefulEnv)cpu[i]).GetState(expectedState.AsSpan(i * 4, 4));
            }

            device.CopyToDevice(actions, dActions.View);
            kernels.CartPoleStep(dState.View, dBefore.View, dActions.View, dRewards.View, dTerminated.View, envs);
            kernels.CartPoleObservations(dState.View, dObs.View, envs);
            string context = $"seed {seed}, step {t}";
            worst = Math.Max(worst, TestData.AssertClose(expectedState, device.Download(dState.View), 1e-12, "state, " + context));
            TestData.AssertBitEqual(expectedRewards, device.Download(dRewards.View), "rewards, " + context);
            device.CopyToHost(dTerminated.View, terminated);
            Assert.True(expectedTerminated.AsSpan().SequenceEqual(terminated), "terminated flags, " + context);
            TestData.AssertClose(expectedObs, device.Download(dObs.View), 1e-7, "observations, " + context);

            for (int i = 0; i < envs; i++)
            {
                if (ended[i])
                {
                    cpu[i].Reset(obs);
                    ((IStatefulEnv)cpu[i]).GetState(state.AsSpan(i * 4, 4));
                    device.CopyToDevice(state.AsSpan(i * 4, 4), dState.View.SubView(i * 4, 4));
                    device.CopyToDevice([false], dBefore.View.SubView(i, 1));
                }
            }
        }

        return worst;
    }
}
