using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.Acrobot;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// Acrobot-v1's step (Tensorless.Envs' Acrobot, Gymnasium's "book" dynamics and order of operations) batched over envs:
/// one thread per env, with the CPU env's own constants. State is [n x 4] row-major (θ1, θ2, θ̇1, θ̇2), as
/// <c>IStatefulEnv.GetState</c> gives it; actions are indices 0, 1, 2 held in doubles (torque = action − 1). One RK4
/// step of <c>Dt</c>, then the angles wrapped to [−π, π] and the speeds clipped, as on the CPU.
/// The RK4 step, wrapping and clipping are the CPU env's own <c>Acrobot.Dynamics</c>, called from the kernel.
/// </summary>
internal static class AcrobotKernels
{
    public static void Step(Index1D i, ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated)
    {
        int o = i * 4;
        double t1 = state[o];
        double t2 = state[o + 1];
        double d1 = state[o + 2];
        double d2 = state[o + 3];

        // AVAIL_TORQUE = [-1.0, 0.0, +1]: action - 1 gives the same doubles
        bool done = Dynamics(ref t1, ref t2, ref d1, ref d2, actions[i] - 1.0);
        state[o] = t1;
        state[o + 1] = t2;
        state[o + 2] = d1;
        state[o + 3] = d2;
        rewards[i] = done ? 0.0 : -1.0;
        terminated[i] = done ? (byte)1 : (byte)0;
    }

    // float32 [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2], as the CPU env observes
    public static void Observations(Index1D i, ArrayView<double> state, ArrayView<double> observations)
    {
        int s = i * 4;
        int o = i * 6;
        double t1 = state[s];
        double t2 = state[s + 1];
        observations[o] = NumPy.F32(Math.Cos(t1));
        observations[o + 1] = NumPy.F32(Math.Sin(t1));
        observations[o + 2] = NumPy.F32(Math.Cos(t2));
        observations[o + 3] = NumPy.F32(Math.Sin(t2));
        observations[o + 4] = NumPy.F32(state[s + 2]);
        observations[o + 5] = NumPy.F32(state[s + 3]);
    }
}
