using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.MountainCarContinuous;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// MountainCarContinuous-v0's step (Tensorless.Envs' MountainCarContinuous, Gymnasium's order of operations) batched
/// over envs: one thread per env, with the CPU env's own constants. State is [n x 2] row-major (position, velocity),
/// as <c>IStatefulEnv.GetState</c> gives it, float32-rounded after every step as Gymnasium stores it; actions are
/// [n x 1] forces, clipped to [−1, 1] for the dynamics while the reward charges the raw action, as on the CPU.
/// </summary>
internal static class MountainCarContinuousKernels
{
    public static void Step(Index1D i, ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated)
    {
        int o = i * 2;
        double position = state[o];
        double velocity = state[o + 1];
        double action = actions[i];
        double force = NumPy.PyMin(NumPy.PyMax(action, MinAction), MaxAction);
        double v = velocity + ((force * Power) - (Gravity * Math.Cos(3 * position)));
        if (v > MaxSpeed)
        {
            v = MaxSpeed;
        }

        if (v < -MaxSpeed)
        {
            v = -MaxSpeed;
        }

        double p = position + v;
        if (p > MaxPosition)
        {
            p = MaxPosition;
        }

        if (p < MinPosition)
        {
            p = MinPosition;
        }

        if (p == MinPosition && v < 0)
        {
            v = 0;
        }

        // termination is tested before the float32 rounding of the stored state
        bool done = p >= GoalPosition && v >= GoalVelocity;
        double reward = done ? 100.0 : 0.0;
        reward -= Math.Pow(action, 2) * 0.1;
        state[o] = NumPy.F32(p);
        state[o + 1] = NumPy.F32(v);
        rewards[i] = reward;
        terminated[i] = done ? (byte)1 : (byte)0;
    }
}
