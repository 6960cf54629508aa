using Tensorless.Envs.Core;
using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Classic;

/// <summary>
/// CartPole (Barto, Sutton and Anderson 1983) as Gymnasium's <c>CartPole-v0</c>/<c>-v1</c>.
/// <para><b>Action space</b>: Discrete(2): 0 pushes the cart left (−10 N), 1 right (+10 N).</para>
/// <para><b>Observation</b>: float32 [x, ẋ, θ, θ̇]; bounds ±(4.8, inf, 0.41887903, inf).</para>
/// <para><b>Reward</b>: +1 per step, including the terminating one; 0 for steps taken after termination.</para>
/// <para><b>Starting state</b>: each of x, ẋ, θ, θ̇ ~ U(−0.05, 0.05), four draws in that order.</para>
/// <para><b>Episode end</b>: terminated when |x| &gt; 2.4 or |θ| &gt; 12°; truncated at 200 (v0) or 500 (v1) steps.</para>
/// <para>State order (<see cref="IStatefulEnv"/>): x, ẋ, θ, θ̇. Explicit Euler, τ = 0.02 s, all in double.</para>
/// </summary>
internal sealed class CartPole : EnvCore
{
    /// <summary>Gravity, m/s².</summary>
    public const double Gravity = 9.8;

    /// <summary>Cart mass, kg.</summary>
    public const double MassCart = 1.0;

    /// <summary>Pole mass, kg.</summary>
    public const double MassPole = 0.1;

    /// <summary>Total mass, kg, formed as Gymnasium does (masspole + masscart).</summary>
    public const double TotalMass = MassPole + MassCart;

    /// <summary>Half the pole's length, m.</summary>
    public const double Length = 0.5;

    /// <summary>Pole mass times half length, kg·m.</summary>
    public const double PoleMassLength = MassPole * Length;

    /// <summary>Magnitude of the push, N.</summary>
    public const double ForceMag = 10.0;

    /// <summary>Integration step, s.</summary>
    public const double Tau = 0.02;

    /// <summary>Angle beyond which the episode terminates, rad (12°, formed as 12·2·π/360).</summary>
    public const double ThetaThreshold = 12 * 2 * Math.PI / 360;

    /// <summary>Cart position beyond which the episode terminates, m.</summary>
    public const double XThreshold = 2.4;

    private static readonly Box Observations = new(
        [NumPy.F32(-XThreshold * 2), double.NegativeInfinity, NumPy.F32(-ThetaThreshold * 2), double.NegativeInfinity],
        [NumPy.F32(XThreshold * 2), double.PositiveInfinity, NumPy.F32(ThetaThreshold * 2), double.PositiveInfinity],
        [4]);

    private static readonly Discrete Actions = new(2);

    private readonly double[] x, xDot, theta, thetaDot;

    // Gymnasium's steps_beyond_terminated: a step after termination earns 0 instead of 1.
    private readonly bool[] terminatedBefore;

    public CartPole(int count)
        : base(count)
    {
        x = new double[count];
        xDot = new double[count];
        theta = new double[count];
        thetaDot = new double[count];
        terminatedBefore = new bool[count];
    }

    public override Space ObservationSpace => Observations;

    public override Space ActionSpace => Actions;

    public override int StateSize => 4;

    /// <summary>
    /// One Euler step of the cart-pole equations, in Gymnasium's order of operations; returns whether the new
    /// state is terminal. Squares are x*x, as <c>np.square</c> computes them.
    /// </summary>
    public static bool Dynamics(ref double x, ref double xDot, ref double theta, ref double thetaDot, double force)
    {
        // one libm sincos call: the same bits as separate sin and cos (glibc computes both the same way; the
        // fixture replay tests check it), at about half the cost
        var (sinTheta, cosTheta) = Math.SinCos(theta);
        double temp = (force + (PoleMassLength * (thetaDot * thetaDot) * sinTheta)) / TotalMass;
        double thetaAcc = ((Gravity * sinTheta) - (cosTheta * temp))
            / (Length * ((4.0 / 3.0) - (MassPole * (cosTheta * cosTheta) / TotalMass)));
        double xAcc = temp - (PoleMassLength * thetaAcc * cosTheta / TotalMass);
        x += Tau * xDot;
        xDot += Tau * xAcc;
        theta += Tau * thetaDot;
        thetaDot += Tau * thetaAcc;
        return x < -XThreshold || x > XThreshold || theta < -ThetaThreshold || theta > ThetaThreshold;
    }

    public override void Reset(int index, Pcg64 rng)
    {
        x[index] = rng.Uniform(-0.05, 0.05);
        xDot[index] = rng.Uniform(-0.05, 0.05);
        theta[index] = rng.Uniform(-0.05, 0.05);
        thetaDot[index] = rng.Uniform(-0.05, 0.05);
        terminatedBefore[index] = false;
    }

    public override void Step(ReadOnlySpan<double> actions, Span<double> rewards, Span<bool> terminated)
    {
        var xs = x.AsSpan();
        var xDots = xDot.AsSpan(0, xs.Length);
        var thetas = theta.AsSpan(0, xs.Length);
        var thetaDots = thetaDot.AsSpan(0, xs.Length);
        for (int i = 0; i < xs.Length; i++)
        {
            double force = actions[i] == 1.0 ? ForceMag : -ForceMag;
            bool done = Dynamics(ref xs[i], ref xDots[i], ref thetas[i], ref thetaDots[i], force);
            double reward = 1.0;
            if (done)
            {
                reward = terminatedBefore[i] ? 0.0 : 1.0;
                terminatedBefore[i] = true;
            }

            rewards[i] = reward;
            terminated[i] = done;
        }
    }

    public override void WriteObservation(int index, Span<double> row)
    {
        row[0] = NumPy.F32(x[index]);
        row[1] = NumPy.F32(xDot[index]);
        row[2] = NumPy.F32(theta[index]);
        row[3] = NumPy.F32(thetaDot[index]);
    }

    public override void WriteObservations(Span<double> observations)
    {
        for (int i = 0; i < x.Length; i++)
        {
            var row = observations.Slice(i * 4, 4);
            row[3] = NumPy.F32(thetaDot[i]);
            row[2] = NumPy.F32(theta[i]);
            row[1] = NumPy.F32(xDot[i]);
            row[0] = NumPy.F32(x[i]);
        }
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
        terminatedBefore[index] = false;
    }
}
