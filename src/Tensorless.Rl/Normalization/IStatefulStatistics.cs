namespace Tensorless.Rl.Normalization;

/// <summary>
/// Running statistics that a checkpoint saves and restores as named double arrays (for example
/// <c>obs_rms.mean</c>, <c>obs_rms.var</c>, <c>obs_rms.count</c>).
/// </summary>
public interface IStatefulStatistics
{
    /// <summary>A copy of the statistics, one named array each; later updates do not change the returned arrays.</summary>
    IReadOnlyDictionary<string, double[]> State { get; }

    /// <summary>Replaces the statistics with <paramref name="state"/>, which must hold every name of <see cref="State"/> with the same lengths.</summary>
    /// <param name="state">Named arrays, as produced by <see cref="State"/>.</param>
    /// <exception cref="ArgumentException">A name is missing, or an array has the wrong length, or a value is invalid (a negative variance or count).</exception>
    void LoadState(IReadOnlyDictionary<string, double[]> state);
}
