using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.Pendulum;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// Pendulum-v1's step (Tensorless.Envs' Pendulum, Gymnasium's order of operations) batched over envs: one thread per
/// env, with the CPU env's own constants. State is [n x 2] row-major (θ, never wrapped; θ̇), as <c>IStatefulEnv.GetState</c>
/// gives it; actions are [n x 1] torques, clipped to [−2, 2] here as the CPU env clips them.
/// The physics is the CPU env's own <c>Pendulum.Dynamics</c>, called from the kernel.
/// </summary>
internal static class PendulumKernels
{
    public static void Step(Index1D i, ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated)
    {
        int o = i * 2;
        double theta = state[o];
        double thetaDot = state[o + 1];
        rewards[i] = Dynamics(ref theta, ref thetaDot, actions[i]);
        state[o] = theta;
        state[o + 1] = thetaDot;
        terminated[i] = 0;
    }

    // float32 [cos θ, sin θ, θ̇], as the CPU env observes
    public static void Observations(Index1D i, ArrayView<double> state, ArrayView<double> observations)
    {
        double theta = state[i * 2];
        observations[i * 3] = NumPy.F32(Math.Cos(theta));
        observations[(i * 3) + 1] = NumPy.F32(Math.Sin(theta));
        observations[(i * 3) + 2] = NumPy.F32(state[(i * 2) + 1]);
    }
}
