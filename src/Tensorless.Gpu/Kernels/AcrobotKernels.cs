using ILGPU;
using Tensorless.Envs.Core;
using static Tensorless.Envs.Classic.Acrobot;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// Acrobot-v1's step (Tensorless.Envs' Acrobot, Gymnasium's "book" dynamics and order of operations) batched over envs:
/// one thread per env, with the CPU env's own constants. State is [n x 4] row-major (θ1, θ2, θ̇1, θ̇2), as
/// <c>IStatefulEnv.GetState</c> gives it; actions are indices 0, 1, 2 held in doubles (torque = action − 1). One RK4
/// step of <c>Dt</c>, then the angles wrapped to [−π, π] and the speeds clipped, as on the CPU.
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

        // AVAIL_TORQUE = [-1.0, 0.0, +1]: action - 1 gives the same doubles. The augmented torque component of
        // Gymnasium's rk4 has derivative 0, so it stays constant in every stage.
        double torque = actions[i] - 1.0;
        const double half = Dt / 2.0;
        Derivs(t1, t2, d1, d2, torque, out double a1, out double a2);
        double k1t1 = d1, k1t2 = d2, k1d1 = a1, k1d2 = a2;
        Derivs(t1 + (half * k1t1), t2 + (half * k1t2), d1 + (half * k1d1), d2 + (half * k1d2), torque, out a1, out a2);
        double k2t1 = d1 + (half * k1d1), k2t2 = d2 + (half * k1d2), k2d1 = a1, k2d2 = a2;
        Derivs(t1 + (half * k2t1), t2 + (half * k2t2), d1 + (half * k2d1), d2 + (half * k2d2), torque, out a1, out a2);
        double k3t1 = d1 + (half * k2d1), k3t2 = d2 + (half * k2d2), k3d1 = a1, k3d2 = a2;
        Derivs(t1 + (Dt * k3t1), t2 + (Dt * k3t2), d1 + (Dt * k3d1), d2 + (Dt * k3d2), torque, out a1, out a2);
        double k4t1 = d1 + (Dt * k3d1), k4t2 = d2 + (Dt * k3d2), k4d1 = a1, k4d2 = a2;

        const double sixth = Dt / 6.0;
        double nt1 = t1 + (sixth * (((k1t1 + (2 * k2t1)) + (2 * k3t1)) + k4t1));
        double nt2 = t2 + (sixth * (((k1t2 + (2 * k2t2)) + (2 * k3t2)) + k4t2));
        double nd1 = d1 + (sixth * (((k1d1 + (2 * k2d1)) + (2 * k3d1)) + k4d1));
        double nd2 = d2 + (sixth * (((k1d2 + (2 * k2d2)) + (2 * k3d2)) + k4d2));

        t1 = Wrap(nt1);
        t2 = Wrap(nt2);
        d1 = NumPy.PyMin(NumPy.PyMax(nd1, -MaxVel1), MaxVel1);
        d2 = NumPy.PyMin(NumPy.PyMax(nd2, -MaxVel2), MaxVel2);
        bool done = -Math.Cos(t1) - Math.Cos(t2 + t1) > 1.0;

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

    // the angular accelerations of the book dynamics, term by term in Gymnasium's order (Python evaluates left to
    // right; **2 is libm pow), as the CPU env's Derivs
    private static void Derivs(double theta1, double theta2, double dtheta1, double dtheta2, double a, out double ddtheta1, out double ddtheta2)
    {
        const double m1 = LinkMass1, m2 = LinkMass2, l1 = LinkLength1, lc1 = LinkComPos1, lc2 = LinkComPos2, i1 = LinkMoi, i2 = LinkMoi, g = Gravity;
        double cos2 = Math.Cos(theta2);
        double sin2 = Math.Sin(theta2);
        double d1 = (m1 * Math.Pow(lc1, 2)) + (m2 * ((Math.Pow(l1, 2) + Math.Pow(lc2, 2)) + (2 * l1 * lc2 * cos2))) + i1 + i2;
        double d2 = (m2 * (Math.Pow(lc2, 2) + (l1 * lc2 * cos2))) + i2;
        double phi2 = m2 * lc2 * g * Math.Cos(theta1 + theta2 - (Math.PI / 2.0));
        double phi1 = (-m2 * l1 * lc2 * Math.Pow(dtheta2, 2) * sin2)
            - (2 * m2 * l1 * lc2 * dtheta2 * dtheta1 * sin2)
            + ((m1 * lc1) + (m2 * l1)) * g * Math.Cos(theta1 - (Math.PI / 2))
            + phi2;
        ddtheta2 = (a + (d2 / d1 * phi1) - (m2 * l1 * lc2 * Math.Pow(dtheta1, 2) * sin2) - phi2)
            / ((m2 * Math.Pow(lc2, 2)) + i2 - (Math.Pow(d2, 2) / d1));
        ddtheta1 = -((d2 * ddtheta2) + phi1) / d1;
    }

    // Gymnasium's wrap(x, -π, π): subtract or add 2π until inside
    private static double Wrap(double x)
    {
        const double diff = Math.PI - -Math.PI;
        while (x > Math.PI)
        {
            x -= diff;
        }

        while (x < -Math.PI)
        {
            x += diff;
        }

        return x;
    }
}
