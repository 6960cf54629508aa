using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.Pendulum;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// Pendulum-v1's step (Tensorless.Envs' Pendulum, Gymnasium's order of operations) batched over envs: one thread per
/// env, with the CPU env's own constants. State is [n x 2] row-major (θ, never wrapped; θ̇), as <c>IStatefulEnv.GetState</c>
/// gives it; actions are [n x 1] torques, clipped to [−2, 2] here as the CPU env clips them.
/// </summary>
internal static class PendulumKernels
{
    public static void Step(Index1D i, ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated)
    {
        int o = i * 2;
        double theta = state[o];
        double thetaDot = state[o + 1];
        double u = NumPy.Clip(actions[i], -MaxTorque, MaxTorque);

        // the cost of the state before the step; **2 is libm pow in the source, as on the CPU
        double cost = Math.Pow(AngleNormalize(theta), 2) + (0.1 * Math.Pow(thetaDot, 2)) + (0.001 * Math.Pow(u, 2));
        double newThetaDot = thetaDot + ((((3 * G) / (2 * L) * Math.Sin(theta)) + ((3.0 / (M * Math.Pow(L, 2))) * u)) * Dt);
        newThetaDot = NumPy.Clip(newThetaDot, -MaxSpeed, MaxSpeed);
        theta += newThetaDot * Dt;

        state[o] = theta;
        state[o + 1] = newThetaDot;
        rewards[i] = -cost;
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
