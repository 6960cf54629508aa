using Tensorless.Envs.Core;
using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Classic;

/// <summary>
/// The inverted pendulum swing-up as Gymnasium's <c>Pendulum-v1</c>.
/// <para><b>Action space</b>: Box(−2, 2, (1,)): torque, clipped to [−2, 2].</para>
/// <para><b>Observation</b>: float32 [cos θ, sin θ, θ̇]; bounds ±(1, 1, 8).</para>
/// <para><b>Reward</b>: −(norm(θ)² + 0.1·θ̇² + 0.001·u²) on the state before the step, in [−16.27, 0].</para>
/// <para><b>Starting state</b>: θ ~ U(−π, π), θ̇ ~ U(−1, 1).</para>
/// <para><b>Episode end</b>: never terminates; truncated at 200 steps.</para>
/// <para>State order: θ (never wrapped), θ̇. Semi-implicit Euler with dt = 0.05 s.</para>
/// </summary>
internal sealed class Pendulum : EnvCore
{
    /// <summary>Maximum angular speed, rad/s.</summary>
    public const double MaxSpeed = 8;

    /// <summary>Maximum torque, N·m.</summary>
    public const double MaxTorque = 2.0;

    /// <summary>Time step, s.</summary>
    public const double Dt = 0.05;

    /// <summary>Gravity, m/s² (Gymnasium's registered default g = 10.0).</summary>
    public const double G = 10.0;

    /// <summary>Mass, kg.</summary>
    public const double M = 1.0;

    /// <summary>Length, m.</summary>
    public const double L = 1.0;

    private static readonly Box Observations = new([-1.0, -1.0, -MaxSpeed], [1.0, 1.0, MaxSpeed], [3]);
    private static readonly Box Actions = new(-MaxTorque, MaxTorque, 1);

    private readonly double[] theta, thetaDot;

    public Pendulum(int count)
        : base(count)
    {
        theta = new double[count];
        thetaDot = new double[count];
    }

    public override Space ObservationSpace => Observations;

    public override Space ActionSpace => Actions;

    public override int StateSize => 2;

    /// <summary>
    /// One step; returns the reward. The cost uses the old state and libm <c>pow(·, 2)</c> where the
    /// source writes <c>**2</c> (it differs from x*x in the last bit on some inputs).
    /// </summary>
    public static double Dynamics(ref double theta, ref double thetaDot, double action)
    {
        double u = NumPy.Clip(action, -MaxTorque, MaxTorque);
        double cost = Math.Pow(AngleNormalize(theta), 2) + (0.1 * Math.Pow(thetaDot, 2)) + (0.001 * Math.Pow(u, 2));
        double newThetaDot = thetaDot + ((((3 * G) / (2 * L) * Math.Sin(theta)) + ((3.0 / (M * Math.Pow(L, 2))) * u)) * Dt);
        newThetaDot = NumPy.Clip(newThetaDot, -MaxSpeed, MaxSpeed);
        theta += newThetaDot * Dt;
        thetaDot = newThetaDot;
        return -cost;
    }

    /// <summary>Maps an angle into [−π, π) with NumPy's floored modulo: ((θ + π) mod 2π) − π.</summary>
    public static double AngleNormalize(double x) => NumPy.FlooredMod(x + Math.PI, 2 * Math.PI) - Math.PI;

    public override void Reset(int index, Pcg64 rng)
    {
        // One 2-element draw with high = [π, 1]: θ first.
        theta[index] = rng.Uniform(-Math.PI, Math.PI);
        thetaDot[index] = rng.Uniform(-1.0, 1.0);
    }

    public override void Step(ReadOnlySpan<double> actions, Span<double> rewards, Span<bool> terminated)
    {
        var thetas = theta.AsSpan();
        var thetaDots = thetaDot.AsSpan(0, thetas.Length);
        for (int i = 0; i < thetas.Length; i++)
        {
            rewards[i] = Dynamics(ref thetas[i], ref thetaDots[i], actions[i]);
            terminated[i] = false;
        }
    }

    public override void WriteObservation(int index, Span<double> row)
    {
        row[0] = NumPy.F32(Math.Cos(theta[index]));
        row[1] = NumPy.F32(Math.Sin(theta[index]));
        row[2] = NumPy.F32(thetaDot[index]);
    }

    public override void GetState(int index, Span<double> state)
    {
        state[0] = theta[index];
        state[1] = thetaDot[index];
    }

    public override void SetState(int index, ReadOnlySpan<double> state)
    {
        theta[index] = state[0];
        thetaDot[index] = state[1];
    }
}
