using System.Diagnostics.CodeAnalysis;

namespace Tensorless.Rl.Advantages;

// Argument checks up front, with the throws in cold helpers so the hot methods stay small.
public static partial class AdvantageEstimators
{
    private static int ValidateShapes(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        ReadOnlySpan<double> truncationValues,
        ReadOnlySpan<double> lastValues,
        Span<double> advantages,
        Span<double> returns)
    {
        int numEnvs = lastValues.Length;
        if (numEnvs == 0)
        {
            if (rewards.Length != 0)
            {
                ThrowShape("lastValues", 0, $"at least 1 (one value per environment) since rewards has {rewards.Length} elements");
            }
        }
        else if (rewards.Length % numEnvs != 0)
        {
            ThrowShape(
                "rewards",
                rewards.Length,
                $"a multiple of numEnvs = lastValues.Length = {numEnvs} (layout [t * numEnvs + env])");
        }

        int count = rewards.Length;
        CheckLength(values.Length, count, "values");
        CheckLength(terminated.Length, count, "terminated");
        CheckLength(truncated.Length, count, "truncated");
        CheckLength(truncationValues.Length, count, "truncationValues");
        CheckLength(advantages.Length, count, "advantages");
        CheckLength(returns.Length, count, "returns");
        return numEnvs == 0 ? 0 : count / numEnvs;
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            ThrowShape(name, actual, $"{expected} (= rewards.Length)");
        }
    }

    private static void ValidateUnitInterval(double value, string name)
    {
        // Written so that NaN fails too.
        if (!(value >= 0.0 && value <= 1.0))
        {
            ThrowOutOfUnitInterval(value, name);
        }
    }

    [DoesNotReturn]
    private static void ThrowShape(string name, int actual, string expected) =>
        throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);

    [DoesNotReturn]
    private static void ThrowOutOfUnitInterval(double value, string name) =>
        throw new ArgumentOutOfRangeException(name, value, $"{name} must lie in [0, 1]; got {value.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");

    [DoesNotReturn]
    private static void ThrowNotPositive(int n) =>
        throw new ArgumentOutOfRangeException(nameof(n), n, $"n must be at least 1; got {n}.");
}
