using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Core;

/// <summary>
/// Structure-of-arrays physics of <see cref="Count"/> copies of one env: one array per state variable.
/// The single env (<see cref="ClassicEnv"/>, Count = 1) and the vector env (<see cref="ClassicVectorEnv"/>)
/// both step through this type, so each env's dynamics exist exactly once. A core knows nothing about
/// time limits, seeding policy or auto-reset; the two wrappers add those.
/// </summary>
internal abstract class EnvCore
{
    protected EnvCore(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        Count = count;
    }

    /// <summary>Number of envs stored.</summary>
    public int Count { get; }

    /// <summary>Observation space of one env.</summary>
    public abstract Space ObservationSpace { get; }

    /// <summary>Action space of one env.</summary>
    public abstract Space ActionSpace { get; }

    /// <summary>Number of physical state variables of one env.</summary>
    public abstract int StateSize { get; }

    /// <summary>Draws env <paramref name="index"/>'s initial state from <paramref name="rng"/>.</summary>
    public abstract void Reset(int index, Pcg64 rng);

    /// <summary>Steps every env with its (already validated) action row; writes rewards and terminal flags.</summary>
    public abstract void Step(ReadOnlySpan<double> actions, Span<double> rewards, Span<bool> terminated);

    /// <summary>Writes env <paramref name="index"/>'s observation into <paramref name="row"/>.</summary>
    public abstract void WriteObservation(int index, Span<double> row);

    /// <summary>Copies env <paramref name="index"/>'s state, in Gymnasium's <c>state</c> order.</summary>
    public abstract void GetState(int index, Span<double> state);

    /// <summary>Sets env <paramref name="index"/>'s state as given (no rounding), clearing any per-episode flags.</summary>
    public abstract void SetState(int index, ReadOnlySpan<double> state);

    /// <summary>Writes all N observation rows.</summary>
    public virtual void WriteObservations(Span<double> observations)
    {
        int size = ObservationSpace.FlatSize;
        for (int i = 0; i < Count; i++)
        {
            WriteObservation(i, observations.Slice(i * size, size));
        }
    }
}

/// <summary>Float helpers that reproduce NumPy's scalar semantics.</summary>
internal static class NumPy
{
    /// <summary>Rounds to float32 and widens back: Gymnasium's observations are float32 arrays.</summary>
    public static double F32(double value) => (float)value;

    /// <summary>NumPy's float64 <c>%</c>: floored modulo (the result takes the divisor's sign).</summary>
    public static double FlooredMod(double a, double b)
    {
        double r = a % b; // C# % on doubles is C fmod (truncated).
        if (r != 0)
        {
            if ((b < 0) != (r < 0))
            {
                r += b;
            }
        }
        else
        {
            r = double.CopySign(0.0, b);
        }

        return r;
    }

    /// <summary>Python's <c>max(a, b)</c>: the first argument unless the second is strictly greater.</summary>
    public static double PyMax(double a, double b) => b > a ? b : a;

    /// <summary>Python's <c>min(a, b)</c>: the first argument unless the second is strictly smaller.</summary>
    public static double PyMin(double a, double b) => b < a ? b : a;

    /// <summary>Python/NumPy <c>min(max(x, low), high)</c> with plain comparisons.</summary>
    public static double Clip(double x, double low, double high) => x < low ? low : (x > high ? high : x);
}
