namespace Tensorless.Rl.Normalization;

/// <summary>Shape-checked lookups in a named-array state (checkpoint) dictionary.</summary>
internal static class StateArrays
{
    /// <summary>Returns <c>state[name]</c> after checking that it exists and has <paramref name="length"/> elements.</summary>
    public static double[] Get(IReadOnlyDictionary<string, double[]> state, string name, int length)
    {
        if (!state.TryGetValue(name, out double[]? array) || array is null)
        {
            throw new ArgumentException(
                $"State is missing '{name}' (has: {string.Join(", ", state.Keys.Order(StringComparer.Ordinal))}).", nameof(state));
        }

        if (array.Length != length)
        {
            throw new ArgumentException($"State '{name}' has length {array.Length}; expected {length}.", nameof(state));
        }

        return array;
    }
}
