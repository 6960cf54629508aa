using Tensorless.Envs.Core;
using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Classic;

/// <summary>
/// The continuous-force mountain car as Gymnasium's <c>MountainCarContinuous-v0</c>.
/// <para><b>Action space</b>: Box(−1, 1, (1,)): force, clipped to [−1, 1].</para>
/// <para><b>Observation</b>: float32 [position, velocity]; bounds (−1.2, −0.07) to (0.6, 0.07).</para>
/// <para><b>Reward</b>: −0.1·a² with a the raw (unclipped) action, plus 100 on reaching the goal.</para>
/// <para><b>Starting state</b>: position ~ U(−0.6, −0.4), velocity 0.</para>
/// <para><b>Episode end</b>: terminated when position ≥ 0.45 and velocity ≥ 0; truncated at 999 steps.</para>
/// <para>State order: position, velocity. Gymnasium stores the state as float32 after every step, so the
/// next step starts from float32-rounded values; termination is tested before that rounding.</para>
/// </summary>
internal sealed class MountainCarContinuous : EnvCore
{
    /// <summary>Position bounds.</summary>
    public const double MinPosition = -1.2, MaxPosition = 0.6;

    /// <summary>Speed bound.</summary>
    public const double MaxSpeed = 0.07;

    /// <summary>Position of the flag (0.45, not MountainCar's 0.5).</summary>
    public const double GoalPosition = 0.45;

    /// <summary>Minimum velocity at the flag.</summary>
    public const double GoalVelocity = 0;

    /// <summary>Action bounds.</summary>
    public const double MinAction = -1.0, MaxAction = 1.0;

    /// <summary>Force per unit of action.</summary>
    public const double Power = 0.0015;

    /// <summary>Gravity coefficient of the cos(3p) slope term (a literal in Gymnasium's step).</summary>
    public const double Gravity = 0.0025;

    private static readonly Box Observations = new(
        [NumPy.F32(MinPosition), NumPy.F32(-MaxSpeed)],
        [NumPy.F32(MaxPosition), NumPy.F32(MaxSpeed)],
        [2]);

    private static readonly Box Actions = new(MinAction, MaxAction, 1);

    private readonly double[] position, velocity;

    public MountainCarContinuous(int count)
        : base(count)
    {
        position = new double[count];
        velocity = new double[count];
    }

    public override Space ObservationSpace => Observations;

    public override Space ActionSpace => Actions;

    public override int StateSize => 2;

    /// <summary>One step; writes whether the goal was reached and returns the reward.</summary>
    public static double Dynamics(ref double position, ref double velocity, double action, out bool terminated)
    {
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

        terminated = p >= GoalPosition && v >= GoalVelocity;
        double reward = terminated ? 100.0 : 0.0;
        reward -= Math.Pow(action, 2) * 0.1;
        position = NumPy.F32(p);
        velocity = NumPy.F32(v);
        return reward;
    }

    public override void Reset(int index, Pcg64 rng)
    {
        position[index] = rng.Uniform(-0.6, -0.4);
        velocity[index] = 0;
    }

    public override void Step(ReadOnlySpan<double> actions, Span<double> rewards, Span<bool> terminated)
    {
        var p = position.AsSpan();
        var v = velocity.AsSpan(0, p.Length);
        for (int i = 0; i < p.Length; i++)
        {
            rewards[i] = Dynamics(ref p[i], ref v[i], actions[i], out bool done);
            terminated[i] = done;
        }
    }

    public override void WriteObservation(int index, Span<double> row)
    {
        row[0] = NumPy.F32(position[index]);
        row[1] = NumPy.F32(velocity[index]);
    }

    public override void GetState(int index, Span<double> state)
    {
        state[0] = position[index];
        state[1] = velocity[index];
    }

    public override void SetState(int index, ReadOnlySpan<double> state)
    {
        position[index] = state[0];
        velocity[index] = state[1];
    }
}
