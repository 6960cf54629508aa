using System.Globalization;

namespace Tensorless.Rl.Options;

/// <summary>Checks shared by the options' <c>Validate</c> methods; every message names the option and its value.</summary>
internal static class OptionChecks
{
    public static void AtLeast(int value, int minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentException($"{name} must be at least {minimum}; got {value}.", name);
        }
    }

    public static void AtMost(int value, int maximum, string name)
    {
        if (value > maximum)
        {
            throw new ArgumentException($"{name} must be at most {maximum}; got {value}.", name);
        }
    }

    public static void AtLeast(long value, long minimum, string name)
    {
        if (value < minimum)
        {
            throw new ArgumentException($"{name} must be at least {minimum}; got {value}.", name);
        }
    }

    public static void UnitInterval(double value, string name)
    {
        if (!(value >= 0.0 && value <= 1.0))
        {
            throw new ArgumentException($"{name} must lie in [0, 1]; got {Format(value)}.", name);
        }
    }

    public static void Positive(double value, string name)
    {
        if (!(value > 0.0) || double.IsInfinity(value))
        {
            throw new ArgumentException($"{name} must be positive and finite; got {Format(value)}.", name);
        }
    }

    public static void NonNegative(double value, string name)
    {
        if (!(value >= 0.0) || double.IsInfinity(value))
        {
            throw new ArgumentException($"{name} must be non-negative and finite; got {Format(value)}.", name);
        }
    }

    public static void Finite(double value, string name)
    {
        if (!double.IsFinite(value))
        {
            throw new ArgumentException($"{name} must be finite; got {Format(value)}.", name);
        }
    }

    public static void Defined<T>(T value, string name)
        where T : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw new ArgumentException($"{name} has the undefined value {value}.", name);
        }
    }

    public static void Layers(int[]? sizes, string name, bool allowEmpty)
    {
        if (sizes is null)
        {
            throw new ArgumentException($"{name} must not be null.", name);
        }

        if (!allowEmpty && sizes.Length == 0)
        {
            throw new ArgumentException($"{name} must list at least one hidden layer; got [].", name);
        }

        foreach (int size in sizes)
        {
            if (size < 1 || size > PolicyOptions.MaxHiddenSize)
            {
                throw new ArgumentException($"{name} sizes must lie in [1, {PolicyOptions.MaxHiddenSize}]; got [{string.Join(", ", sizes)}].", name);
            }
        }
    }

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
