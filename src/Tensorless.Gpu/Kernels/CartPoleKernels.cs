using ILGPU;
using static Tensorless.Envs.Classic.CartPole;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// CartPole-v1's step (Tensorless.Envs' CartPole, Gymnasium's order of operations) batched over envs: one thread per
/// env, with the CPU env's own physical constants. State is [n x 4] row-major in Gymnasium's order (x, x_dot, theta, theta_dot), as <c>IStatefulEnv.GetState</c> gives it.
/// </summary>
internal static class CartPoleKernels
{
    public static void Step(Index1D i, ArrayView<double> state, ArrayView<byte> terminatedBefore, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated)
    {
        int o = i * 4;
        double x = state[o];
        double xDot = state[o + 1];
        double theta = state[o + 2];
        double thetaDot = state[o + 3];
        double force = actions[i] == 1.0 ? ForceMag : -ForceMag;
        // the CPU env's Dynamics takes both from one Math.SinCos call, which ILGPU cannot compile (it uses the JIT
        // intrinsic IsKnownConstant: KernelCompileTests fails with it); separate sin and cos give the same bits with glibc
        // (the CPU env's fixture replays check it), so this is that method with two calls (the other envs call theirs)
        double sinTheta = Math.Sin(theta);
        double cosTheta = Math.Cos(theta);
        double temp = (force + (PoleMassLength * (thetaDot * thetaDot) * sinTheta)) / TotalMass;
        double thetaAcc = ((Gravity * sinTheta) - (cosTheta * temp))
            / (Length * ((4.0 / 3.0) - (MassPole * (cosTheta * cosTheta) / TotalMass)));
        double xAcc = temp - (PoleMassLength * thetaAcc * cosTheta / TotalMass);
        x += Tau * xDot;
        xDot += Tau * xAcc;
        theta += Tau * thetaDot;
        thetaDot += Tau * thetaAcc;
        bool done = x < -XThreshold || x > XThreshold || theta < -ThetaThreshold || theta > ThetaThreshold;
        double reward = 1.0;
        if (done)
        {
            // Gymnasium's steps_beyond_terminated: a step after termination earns 0
            reward = terminatedBefore[i] != 0 ? 0.0 : 1.0;
            terminatedBefore[i] = 1;
        }

        state[o] = x;
        state[o + 1] = xDot;
        state[o + 2] = theta;
        state[o + 3] = thetaDot;
        rewards[i] = reward;
        terminated[i] = done ? (byte)1 : (byte)0;
    }
}
