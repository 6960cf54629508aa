using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.MountainCar;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// MountainCar-v0's step (Tensorless.Envs' MountainCar, Gymnasium's order of operations) batched over envs: one thread
/// per env, with the CPU env's own constants. State is [n x 2] row-major (position, velocity), as
/// <c>IStatefulEnv.GetState</c> gives it; actions are indices 0, 1, 2 held in doubles. All in double.
/// The physics is the CPU env's own <c>MountainCar.Dynamics</c>, called from the kernel.
/// </summary>
internal static class MountainCarKernels
{
    public static void Step(Index1D i, ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated)
    {
        int o = i * 2;
        double position = state[o];
        double velocity = state[o + 1];
        bool done = Dynamics(ref position, ref velocity, actions[i]);
        state[o] = position;
        state[o + 1] = velocity;
        rewards[i] = -1.0;
        terminated[i] = done ? (byte)1 : (byte)0;
    }
}
