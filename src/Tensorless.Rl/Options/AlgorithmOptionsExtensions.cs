namespace Tensorless.Rl.Options;

/// <summary>Helpers for any algorithm's options record.</summary>
public static class AlgorithmOptionsExtensions
{
    /// <summary>
    /// A copy with the shared options changed, keeping the record's type:
    /// <c>PpoOptions.Preset("ppo-cartpole").With(o =&gt; o with { Seed = 3, Threads = 2 })</c>.
    /// </summary>
    /// <typeparam name="T">The options record type.</typeparam>
    /// <param name="options">The options.</param>
    /// <param name="change">Maps the current shared options to the new ones.</param>
    /// <returns>The copy.</returns>
    public static T With<T>(this T options, Func<OnPolicyOptions, OnPolicyOptions> change)
        where T : IAlgorithmOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(change);
        return (T)options.WithOnPolicy(change(options.OnPolicy));
    }
}
