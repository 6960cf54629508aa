using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.CartPoleSwingUp;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// CartPoleSwingUp-v0's step (Tensorless.Envs' CartPoleSwingUp, the gym-cartpole-swingup package's order of operations)
/// batched over envs: one thread per env, with the CPU env's own constants. State is [n x 4] row-major (x, ẋ, θ, θ̇; θ
/// never wrapped), as <c>IStatefulEnv.GetState</c> gives it; actions are [n x 1], clipped to [−1, 1] and scaled by 10 N.
/// The physics and reward are the CPU env's own <c>CartPoleSwingUp.Dynamics</c>, called from the kernel.
/// </summary>
internal static class CartPoleSwingUpKernels
{
    public static void Step(Index1D i, ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated)
    {
        int o = i * 4;
        double x = state[o];
        double xDot = state[o + 1];
        double theta = state[o + 2];
        double thetaDot = state[o + 3];
        rewards[i] = Dynamics(ref x, ref xDot, ref theta, ref thetaDot, actions[i], out bool done);
        state[o] = x;
        state[o + 1] = xDot;
        state[o + 2] = theta;
        state[o + 3] = thetaDot;
        terminated[i] = done ? (byte)1 : (byte)0;
    }

    // float32 [x, ẋ, cos θ, sin θ, θ̇], as the CPU env observes
    public static void Observations(Index1D i, ArrayView<double> state, ArrayView<double> observations)
    {
        int s = i * 4;
        int o = i * 5;
        double theta = state[s + 2];
        observations[o] = NumPy.F32(state[s]);
        observations[o + 1] = NumPy.F32(state[s + 1]);
        observations[o + 2] = NumPy.F32(Math.Cos(theta));
        observations[o + 3] = NumPy.F32(Math.Sin(theta));
        observations[o + 4] = NumPy.F32(state[s + 3]);
    }
}
