namespace Tensorless.Rl.Options;

/// <summary>
/// An algorithm's options record: the shared on-policy part plus the algorithm's own fields. Training runs, presets,
/// checkpoints and overrides handle every algorithm's options through this interface.
/// </summary>
public interface IAlgorithmOptions
{
    /// <summary>The options every on-policy learner shares.</summary>
    OnPolicyOptions OnPolicy { get; }

    /// <summary>A copy with <see cref="OnPolicy"/> replaced (records implement it as <c>this with { OnPolicy = value }</c>).</summary>
    /// <param name="onPolicy">The new shared options.</param>
    /// <returns>The copy.</returns>
    IAlgorithmOptions WithOnPolicy(OnPolicyOptions onPolicy);

    /// <summary>Checks the shared part and the algorithm's own fields.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    void Validate();

    /// <summary>
    /// Whether a seed gives the same bits on every run (for a given thread count), so that runs repeat and checkpoints
    /// resume exactly. True unless the algorithm's own options make it asynchronous (A3C without
    /// <c>Deterministic</c>); written to summary.json as <c>reproducible</c>.
    /// </summary>
    bool Reproducible => true;
}
