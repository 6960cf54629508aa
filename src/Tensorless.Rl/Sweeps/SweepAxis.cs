using System.Globalization;

namespace Tensorless.Rl.Sweeps;

/// <summary>
/// One swept option: an override key (the <c>--set</c> keys, <see cref="Runs.OptionOverrides"/>) and the values it
/// takes. A grid takes every value; a random search draws one per configuration, and also accepts a single range value
/// <c>uniform:A:B</c> or <c>log:A:B</c> (log-uniform) for a continuous draw.
/// </summary>
/// <param name="Key">Override key, e.g. <c>learning_rate</c>.</param>
/// <param name="Values">Values as <c>--set</c> spells them, e.g. <c>1e-3</c> or <c>[64,64]</c>.</param>
public sealed record SweepAxis(string Key, IReadOnlyList<string> Values)
{
    /// <summary>Parses <c>key=v1,v2,...</c>; commas inside brackets belong to a value (<c>policy.hidden_sizes=[64,64],[128]</c>).</summary>
    /// <param name="text">The axis as the command line gives it.</param>
    /// <returns>The axis.</returns>
    /// <exception cref="ArgumentException">No <c>=</c>, an empty key, or no values.</exception>
    public static SweepAxis Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        int eq = text.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0)
        {
            throw new ArgumentException($"--grid expects key=value1,value2,..., got '{text}'.");
        }

        string key = text[..eq].Trim();
        var values = SplitTopLevel(text[(eq + 1)..]);
        if (values.Count == 0)
        {
            throw new ArgumentException($"--grid {key}: give at least one value.");
        }

        return new SweepAxis(key, values);
    }

    /// <summary>Whether <paramref name="value"/> is a continuous range (<c>uniform:A:B</c> or <c>log:A:B</c>).</summary>
    /// <param name="value">An axis value.</param>
    /// <param name="logScale">True for <c>log:</c>.</param>
    /// <param name="low">A.</param>
    /// <param name="high">B.</param>
    /// <returns>True when it is a range.</returns>
    public static bool TryParseRange(string value, out bool logScale, out double low, out double high)
    {
        ArgumentNullException.ThrowIfNull(value);
        logScale = value.StartsWith("log:", StringComparison.OrdinalIgnoreCase);
        bool uniform = value.StartsWith("uniform:", StringComparison.OrdinalIgnoreCase);
        low = high = 0;
        if (!logScale && !uniform)
        {
            return false;
        }

        string[] parts = value.Split(':');
        if (parts.Length != 3
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out low)
            || !double.TryParse(parts[2], NumberStyles.Float, CultureInfo.InvariantCulture, out high)
            || !(high > low) || (logScale && low <= 0))
        {
            throw new ArgumentException($"A range is uniform:LOW:HIGH or log:LOW:HIGH with LOW < HIGH (and LOW > 0 for log), got '{value}'.");
        }

        return true;
    }

    private static List<string> SplitTopLevel(string text)
    {
        var values = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            char c = i < text.Length ? text[i] : ',';
            depth += c is '[' or '{' ? 1 : c is ']' or '}' ? -1 : 0;
            if (c == ',' && depth == 0)
            {
                string v = text[start..i].Trim();
                if (v.Length > 0)
                {
                    values.Add(v);
                }

                start = i + 1;
            }
        }

        return values;
    }
}
