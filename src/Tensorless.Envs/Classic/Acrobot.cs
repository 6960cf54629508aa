using Tensorless.Envs.Core;
using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Classic;

/// <summary>
/// The two-link Acrobot (Sutton 1996; "book" dynamics) as Gymnasium's <c>Acrobot-v1</c>.
/// <para><b>Action space</b>: Discrete(3): torque −1, 0, +1 on the joint between the links.</para>
/// <para><b>Observation</b>: float32 [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2]; bounds ±(1, 1, 1, 1, 4π, 9π).</para>
/// <para><b>Reward</b>: −1 per step, 0 on the terminating step.</para>
/// <para><b>Starting state</b>: four U(−0.1, 0.1) draws, rounded to float32 (as Gymnasium stores them).</para>
/// <para><b>Episode end</b>: terminated when −cos θ1 − cos(θ1 + θ2) &gt; 1; truncated at 500 steps.</para>
/// <para>State order: θ1, θ2, θ̇1, θ̇2. One RK4 step of 0.2 s, then angles wrapped to [−π, π] and speeds clipped.</para>
/// </summary>
internal sealed class Acrobot : EnvCore
{
    /// <summary>Time step, s.</summary>
    public const double Dt = 0.2;

    /// <summary>Link lengths, m.</summary>
    public const double LinkLength1 = 1.0, LinkLength2 = 1.0;

    /// <summary>Link masses, kg.</summary>
    public const double LinkMass1 = 1.0, LinkMass2 = 1.0;

    /// <summary>Positions of the links' centres of mass, m.</summary>
    public const double LinkComPos1 = 0.5, LinkComPos2 = 0.5;

    /// <summary>Moments of inertia of both links.</summary>
    public const double LinkMoi = 1.0;

    /// <summary>Gravity, m/s².</summary>
    public const double Gravity = 9.8;

    /// <summary>Maximum angular speeds, rad/s.</summary>
    public const double MaxVel1 = 4 * Math.PI, MaxVel2 = 9 * Math.PI;

    private static readonly Box Observations = new(
        [-1.0, -1.0, -1.0, -1.0, NumPy.F32(-MaxVel1), NumPy.F32(-MaxVel2)],
        [1.0, 1.0, 1.0, 1.0, NumPy.F32(MaxVel1), NumPy.F32(MaxVel2)],
        [6]);

    private static readonly Discrete Actions = new(3);

    private readonly double[] theta1, theta2, dTheta1, dTheta2;

    public Acrobot(int count)
        : base(count)
    {
        theta1 = new double[count];
        theta2 = new double[count];
        dTheta1 = new double[count];
        dTheta2 = new double[count];
    }

    public override Space ObservationSpace => Observations;

    public override Space ActionSpace => Actions;

    public override int StateSize => 4;

    /// <summary>
    /// One RK4 step with torque <paramref name="torque"/>, then wrapping and clipping; returns whether the new
    /// state is terminal. The augmented torque component has derivative 0, so it stays constant in every stage.
    /// </summary>
    public static bool Dynamics(ref double t1, ref double t2, ref double d1, ref double d2, double torque)
    {
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
        return -Math.Cos(t1) - Math.Cos(t2 + t1) > 1.0;
    }

    /// <summary>Angular accelerations of the book dynamics, written term by term in Gymnasium's order
    /// (Python evaluates left to right; <c>**2</c> is libm pow).</summary>
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

    /// <summary>Gymnasium's <c>wrap(x, −π, π)</c>: subtract or add 2π until inside.</summary>
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

    public override void Reset(int index, Pcg64 rng)
    {
        theta1[index] = NumPy.F32(rng.Uniform(-0.1, 0.1));
        theta2[index] = NumPy.F32(rng.Uniform(-0.1, 0.1));
        dTheta1[index] = NumPy.F32(rng.Uniform(-0.1, 0.1));
        dTheta2[index] = NumPy.F32(rng.Uniform(-0.1, 0.1));
    }

    public override void Step(ReadOnlySpan<double> actions, Span<double> rewards, Span<bool> terminated)
    {
        var t1 = theta1.AsSpan();
        var t2 = theta2.AsSpan(0, t1.Length);
        var d1 = dTheta1.AsSpan(0, t1.Length);
        var d2 = dTheta2.AsSpan(0, t1.Length);
        for (int i = 0; i < t1.Length; i++)
        {
            // AVAIL_TORQUE = [-1.0, 0.0, +1]: action - 1 gives the same doubles.
            bool done = Dynamics(ref t1[i], ref t2[i], ref d1[i], ref d2[i], actions[i] - 1.0);
            rewards[i] = done ? 0.0 : -1.0;
            terminated[i] = done;
        }
    }

    public override void WriteObservation(int index, Span<double> row)
    {
        row[0] = NumPy.F32(Math.Cos(theta1[index]));
        row[1] = NumPy.F32(Math.Sin(theta1[index]));
        row[2] = NumPy.F32(Math.Cos(theta2[index]));
        row[3] = NumPy.F32(Math.Sin(theta2[index]));
        row[4] = NumPy.F32(dTheta1[index]);
        row[5] = NumPy.F32(dTheta2[index]);
    }

    public override void GetState(int index, Span<double> state)
    {
        state[0] = theta1[index];
        state[1] = theta2[index];
        state[2] = dTheta1[index];
        state[3] = dTheta2[index];
    }

    public override void SetState(int index, ReadOnlySpan<double> state)
    {
        theta1[index] = state[0];
        theta2[index] = state[1];
        dTheta1[index] = state[2];
        dTheta2[index] = state[3];
    }
}
