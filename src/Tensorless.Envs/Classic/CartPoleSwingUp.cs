using Tensorless.Envs.Core;
using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Classic;

/// <summary>
/// The cart-pole swing-up of the <c>gym-cartpole-swingup</c> package (<c>CartPoleSwingUp-v0</c>): the pole
/// starts hanging down and must be swung up and balanced, with cart friction.
/// <para><b>Action space</b>: Box(−1, 1, (1,)), clipped; force = 10·a.</para>
/// <para><b>Observation</b>: float32 [x, ẋ, cos θ, sin θ, θ̇]; bounds ±float32 max.</para>
/// <para><b>Reward</b>: cos θ of the new state, in float32, on every step including the terminating one.</para>
/// <para><b>Starting state</b>: (x, ẋ, θ, θ̇) ~ Normal((0, 0, π, 0), 0.2), rounded to float32. The package draws
/// these from gym 0.18's <c>RandomState</c>; we draw them from our <see cref="Pcg64"/> by Box-Muller, so the
/// distribution matches but seeded streams do not.</para>
/// <para><b>Episode end</b>: terminated when |x| &gt; 2.4; truncated at 500 steps. θ is never wrapped.</para>
/// <para>State order: x, ẋ, θ, θ̇. Explicit Euler, dt = 0.01 s, in double. The package's first step after a
/// reset takes NumPy's float32 sin/cos of the float32 θ; we take double trig throughout, which moves that one
/// step by at most ~2e-8 (see the fixture README).</para>
/// </summary>
internal sealed class CartPoleSwingUp : EnvCore
{
    /// <summary>Gravity, m/s².</summary>
    public const double Gravity = 9.82;

    /// <summary>Force per unit of action, N.</summary>
    public const double ForceMag = 10.0;

    /// <summary>Time step, s.</summary>
    public const double DeltaT = 0.01;

    /// <summary>Cart friction coefficient.</summary>
    public const double Friction = 0.1;

    /// <summary>Track half-length, m.</summary>
    public const double XThreshold = 2.4;

    /// <summary>Cart mass, kg.</summary>
    public const double CartMass = 0.5;

    /// <summary>Pole mass, kg.</summary>
    public const double PoleMass = 0.5;

    /// <summary>Pole length, m.</summary>
    public const double PoleLength = 0.6;

    /// <summary>Total mass, kg.</summary>
    public const double MassTotal = CartMass + PoleMass;

    /// <summary>Pole mass times length, kg·m.</summary>
    public const double MassPoleLength = PoleMass * PoleLength;

    private static readonly Box Observations = new(-float.MaxValue, float.MaxValue, 5);
    private static readonly Box Actions = new(-1.0, 1.0, 1);

    private readonly double[] x, xDot, theta, thetaDot;

    public CartPoleSwingUp(int count)
        : base(count)
    {
        x = new double[count];
        xDot = new double[count];
        theta = new double[count];
        thetaDot = new double[count];
    }

    public override Space ObservationSpace => Observations;

    public override Space ActionSpace => Actions;

    public override int StateSize => 4;

    /// <summary>One Euler step (old values on the right-hand sides); writes whether the cart left the track
    /// and returns the float32 reward cos θ'. <c>**2</c> in the source is libm pow.</summary>
    public static double Dynamics(ref double x, ref double xDot, ref double theta, ref double thetaDot, double action, out bool terminated)
    {
        double force = NumPy.Clip(action, -1.0, 1.0) * ForceMag;
        double sinTheta = Math.Sin(theta);
        double cosTheta = Math.Cos(theta);
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
        double newX = x + (xDot * DeltaT);
        double newTheta = theta + (thetaDot * DeltaT);
        xDot += xDotUpdate * DeltaT;
        thetaDot += thetaDotUpdate * DeltaT;
        x = newX;
        theta = newTheta;
        terminated = Math.Abs(newX) > XThreshold;
        return MathF.Cos((float)newTheta);
    }

    public override void Reset(int index, Pcg64 rng)
    {
        x[index] = NumPy.F32(rng.Normal(0.0, 0.2));
        xDot[index] = NumPy.F32(rng.Normal(0.0, 0.2));
        theta[index] = NumPy.F32(rng.Normal(Math.PI, 0.2));
        thetaDot[index] = NumPy.F32(rng.Normal(0.0, 0.2));
    }

    public override void Step(ReadOnlySpan<double> actions, Span<double> rewards, Span<bool> terminated)
    {
        var xs = x.AsSpan();
        var xDots = xDot.AsSpan(0, xs.Length);
        var thetas = theta.AsSpan(0, xs.Length);
        var thetaDots = thetaDot.AsSpan(0, xs.Length);
        for (int i = 0; i < xs.Length; i++)
        {
            rewards[i] = Dynamics(ref xs[i], ref xDots[i], ref thetas[i], ref thetaDots[i], actions[i], out bool done);
            terminated[i] = done;
        }
    }

    public override void WriteObservation(int index, Span<double> row)
    {
        row[0] = NumPy.F32(x[index]);
        row[1] = NumPy.F32(xDot[index]);
        row[2] = NumPy.F32(Math.Cos(theta[index]));
        row[3] = NumPy.F32(Math.Sin(theta[index]));
        row[4] = NumPy.F32(thetaDot[index]);
    }

    public override void GetState(int index, Span<double> state)
    {
        state[0] = x[index];
        state[1] = xDot[index];
        state[2] = theta[index];
        state[3] = thetaDot[index];
    }

    public override void SetState(int index, ReadOnlySpan<double> state)
    {
        x[index] = state[0];
        xDot[index] = state[1];
        theta[index] = state[2];
        thetaDot[index] = state[3];
    }
}
