using System.Globalization;

namespace Tensorless.Rl.Metrics;

/// <summary>One metric value: a double, a long or a string.</summary>
public readonly record struct MetricValue
{
    private MetricValue(MetricKind kind, double number, long integer, string? text)
    {
        Kind = kind;
        Double = number;
        Long = integer;
        String = text;
    }

    /// <summary>Which of the payloads is set.</summary>
    public MetricKind Kind { get; }

    /// <summary>The double payload (when <see cref="Kind"/> is <see cref="MetricKind.Double"/>).</summary>
    public double Double { get; }

    /// <summary>The integer payload (when <see cref="Kind"/> is <see cref="MetricKind.Long"/>).</summary>
    public long Long { get; }

    /// <summary>The string payload (when <see cref="Kind"/> is <see cref="MetricKind.String"/>).</summary>
    public string? String { get; }

    /// <summary>A double value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metric value.</returns>
    public static MetricValue FromDouble(double value) => new(MetricKind.Double, value, 0, null);

    /// <summary>An integer value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The metric value.</returns>
    public static MetricValue FromLong(long value) => new(MetricKind.Long, 0.0, value, null);

    /// <summary>A string value.</summary>
    /// <param name="value">The value (not null).</param>
    /// <returns>The metric value.</returns>
    public static MetricValue FromString(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(MetricKind.String, 0.0, 0, value);
    }

    /// <summary>The value as a double: the double, the integer converted, or NaN for a string.</summary>
    /// <returns>The numeric value.</returns>
    public double AsDouble() => Kind switch
    {
        MetricKind.Double => Double,
        MetricKind.Long => Long,
        _ => double.NaN,
    };

    /// <summary>Invariant-culture text: doubles in shortest round-trip form ("NaN", "Infinity" for non-finite ones).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => Kind switch
    {
        MetricKind.Double => Double.ToString("R", CultureInfo.InvariantCulture),
        MetricKind.Long => Long.ToString(CultureInfo.InvariantCulture),
        _ => String ?? string.Empty,
    };
}
