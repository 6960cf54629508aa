using System.Globalization;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Core;

/// <summary>Validation of actions before anything is stepped, with errors that name the env, the action and the space.</summary>
internal static class ActionCheck
{
    /// <summary>Checks <paramref name="actions"/> holds <paramref name="count"/> valid rows of <paramref name="space"/>.
    /// Discrete: an integer in range. Box: no NaN (out-of-range values are clipped by the env, as Gymnasium does).</summary>
    /// <exception cref="ArgumentException">Wrong length, NaN, non-integer or out-of-range discrete action.</exception>
    public static void Validate(string id, Space space, ReadOnlySpan<double> actions, int count)
    {
        int size = space.FlatSize;
        if (actions.Length != size * count)
        {
            string expected = count == 1 ? $"{size}" : $"{count} x {size} = {size * count}";
            throw new ArgumentException(
                $"Invalid action {Format(actions)} for {id}: expected {expected} value(s) of action space {space}, got {actions.Length}.",
                nameof(actions));
        }

        if (space is Discrete discrete)
        {
            for (int i = 0; i < actions.Length; i++)
            {
                if (!discrete.Contains(actions[i]))
                {
                    Throw(id, space, actions.Slice(i, 1), i, count, "is not an element of");
                }
            }
        }
        else
        {
            for (int i = 0; i < actions.Length; i++)
            {
                if (double.IsNaN(actions[i]))
                {
                    int row = i / size;
                    Throw(id, space, actions.Slice(row * size, size), row, count, "contains NaN; expected an element of");
                }
            }
        }
    }

    private static void Throw(string id, Space space, ReadOnlySpan<double> action, int row, int count, string why)
    {
        string where = count == 1 ? string.Empty : $" (env {row})";
        throw new ArgumentException($"Invalid action {Format(action)} for {id}{where}: it {why} action space {space}.", "actions");
    }

    private static string Format(ReadOnlySpan<double> values)
    {
        if (values.Length == 1)
        {
            return values[0].ToString("R", CultureInfo.InvariantCulture);
        }

        var parts = new string[Math.Min(values.Length, 8)];
        for (int i = 0; i < parts.Length; i++)
        {
            parts[i] = values[i].ToString("R", CultureInfo.InvariantCulture);
        }

        return "[" + string.Join(", ", parts) + (values.Length > parts.Length ? ", ...]" : "]");
    }
}
