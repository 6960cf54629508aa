using Tensorless.Envs.Core;
using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Classic;

/// <summary>
/// The under-powered car in a valley (Moore 1990) as Gymnasium's <c>MountainCar-v0</c>.
/// <para><b>Action space</b>: Discrete(3): 0 push left, 1 no push, 2 push right.</para>
/// <para><b>Observation</b>: float32 [position, velocity]; bounds (−1.2, −0.07) to (0.6, 0.07).</para>
/// <para><b>Reward</b>: −1 per step, including the terminating one.</para>
/// <para><b>Starting state</b>: position ~ U(−0.6, −0.4), velocity 0.</para>
/// <para><b>Episode end</b>: terminated when position ≥ 0.5 and velocity ≥ 0; truncated at 200 steps.</para>
/// <para>State order: position, velocity; all in double. Hitting the left wall stops the car.</para>
/// </summary>
internal sealed class MountainCar : EnvCore
{
    /// <summary>Position bounds, m.</summary>
    public const double MinPosition = -1.2, MaxPosition = 0.6;

    /// <summary>Speed bound.</summary>
    public const double MaxSpeed = 0.07;

    /// <summary>Position of the flag.</summary>
    public const double GoalPosition = 0.5;

    /// <summary>Minimum velocity at the flag.</summary>
    public const double GoalVelocity = 0;

    /// <summary>Push strength.</summary>
    public const double Force = 0.001;

    /// <summary>Gravity coefficient of the cos(3p) slope term.</summary>
    public const double Gravity = 0.0025;

    private static readonly Box Observations = new(
        [NumPy.F32(MinPosition), NumPy.F32(-MaxSpeed)],
        [NumPy.F32(MaxPosition), NumPy.F32(MaxSpeed)],
        [2]);

    private static readonly Discrete Actions = new(3);

    private readonly double[] position, velocity;

    public MountainCar(int count)
        : base(count)
    {
        position = new double[count];
        velocity = new double[count];
    }

    public override Space ObservationSpace => Observations;

    public override Space ActionSpace => Actions;

    public override int StateSize => 2;

    /// <summary>One step with push <c>(action − 1)·Force</c>; returns whether the flag is reached.</summary>
    public static bool Dynamics(ref double position, ref double velocity, double action)
    {
        velocity += ((action - 1) * Force) + (Math.Cos(3 * position) * -Gravity);
        velocity = NumPy.Clip(velocity, -MaxSpeed, MaxSpeed);
        position += velocity;
        position = NumPy.Clip(position, MinPosition, MaxPosition);
        if (position == MinPosition && velocity < 0)
        {
            velocity = 0;
        }

        return position >= GoalPosition && velocity >= GoalVelocity;
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
            terminated[i] = Dynamics(ref p[i], ref v[i], actions[i]);
            rewards[i] = -1.0;
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
