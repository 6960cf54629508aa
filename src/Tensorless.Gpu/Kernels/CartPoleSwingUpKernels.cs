using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.CartPoleSwingUp;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// CartPoleSwingUp-v0's step (Tensorless.Envs' CartPoleSwingUp, the gym-cartpole-swingup package's order of operations)
/// batched over envs: one thread per env, with the CPU env's own constants. State is [n x 4] row-major (x, ẋ, θ, θ̇; θ
/// never wrapped), as <c>IStatefulEnv.GetState</c> gives it; actions are [n x 1], clipped to [−1, 1] and scaled by 10 N.
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
        double force = NumPy.Clip(actions[i], -1.0, 1.0) * ForceMag;
        double sinTheta = Math.Sin(theta);
        double cosTheta = Math.Cos(theta);

        // **2 in the source is libm pow, as on the CPU
        double thetaDotSq = Math.Pow(thetaDot, 2);
        double cosSq = Math.Pow(cosTheta, 2);
        double xDotUpdate = ((-2 * MassPoleLength * thetaDotSq * sinTheta)
                + (3 * PoleMass * Gravity * sinTheta * cosTheta)
                + (4 * force)
                - (4 * Friction * xDot))
            / ((4 * MassTotal) - (3 * PoleMass * cosSq));
        double thetaDotUpdate = ((-3 * MassPoleLength * thetaDotSq * sinTheta * cosTheta)
                + (6 * MassTotal * Gravity * sinTheta)
                + (6 * (force - (xDot * Friction)) * cosTheta))
            / ((4 * PoleLength * MassTotal) - (3 * MassPoleLength * cosSq));

        // explicit Euler: the positions move with the old speeds
        double newX = x + (xDot * DeltaT);
        double newTheta = theta + (thetaDot * DeltaT);
        state[o] = newX;
        state[o + 1] = xDot + (xDotUpdate * DeltaT);
        state[o + 2] = newTheta;
        state[o + 3] = thetaDot + (thetaDotUpdate * DeltaT);

        // the reward is float32 cos θ' (the package's float32 state)
        rewards[i] = MathF.Cos((float)newTheta);
        terminated[i] = Math.Abs(newX) > XThreshold ? (byte)1 : (byte)0;
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
