using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.MountainCarContinuous;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// MountainCarContinuous-v0's step (Tensorless.Envs' MountainCarContinuous, Gymnasium's order of operations) batched
/// over envs: one thread per env, with the CPU env's own constants. State is [n x 2] row-major (position, velocity),
/// as <c>IStatefulEnv.GetState</c> gives it, float32-rounded after every step as Gymnasium stores it; actions are
/// [n x 1] forces, clipped to [−1, 1] for the dynamics while the reward charges the raw action, as on the CPU.
/// The physics and reward are the CPU env's own <c>MountainCarContinuous.Dynamics</c>, called from the kernel.
/// </summary>
internal static class MountainCarContinuousKernels
{
    public static void Step(Index1D i, ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated)
    {
        int o = i * 2;
        double position = state[o];
        double velocity = state[o + 1];
        rewards[i] = Dynamics(ref position, ref velocity, actions[i], out bool done);
        state[o] = position;
        state[o + 1] = velocity;
        terminated[i] = done ? (byte)1 : (byte)0;
    }
}
