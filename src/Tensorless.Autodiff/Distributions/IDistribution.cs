namespace Tensorless.Autodiff.Distributions;

/// <summary>
/// A batch of m action distributions, one per row, with Stable-Baselines3's interface (<c>common/distributions.py</c>):
/// sample, mode, log-probability and entropy. Implementations are sealed classes that are re-pointed at new parameters with
/// their <c>Bind</c> method (SB3's <c>proba_distribution</c>), so one instance serves every step without allocating.
/// <para>
/// Two paths share the maths. The rollout path (<see cref="Sample"/>, <see cref="Mode"/>,
/// <see cref="LogProb(ReadOnlySpan{double}, Span{double})"/>, <see cref="Entropy(Span{double})"/>) works on spans,
/// records nothing and allocates nothing. The update path (<see cref="LogProb(Tape, Tensor)"/>, <see cref="Entropy(Tape)"/>)
/// calls the tape's fused ops so gradients reach the parameters.
/// </para>
/// <para>
/// Actions are doubles laid out row-major, <see cref="ActionSize"/> values per row: a category index for
/// <see cref="Categorical"/>, a d-vector for the Gaussians. A distribution reads its parameter tensors when a method runs,
/// not when it is bound, so it sees their current values.
/// </para>
/// </summary>
public interface IDistribution
{
    /// <summary>Number of distributions in the batch (m, the rows).</summary>
    int BatchSize { get; }

    /// <summary>Doubles per action: 1 for a categorical index, d for a d-dimensional Gaussian.</summary>
    int ActionSize { get; }

    /// <summary>Draws one action per row into <paramref name="actions"/> (length m x <see cref="ActionSize"/>).</summary>
    /// <exception cref="ArgumentException">The span length does not match the batch.</exception>
    void Sample(Xoshiro256 rng, Span<double> actions);

    /// <summary>Writes the most likely action of each row (the deterministic policy's action).</summary>
    /// <exception cref="ArgumentException">The span length does not match the batch.</exception>
    void Mode(Span<double> actions);

    /// <summary>Writes <c>log p_i(a_i)</c> for each row into <paramref name="logProb"/> (length m); no tape, no allocation.</summary>
    /// <exception cref="ArgumentException">A length does not match the batch, or an action is invalid (NaN, not a category).</exception>
    void LogProb(ReadOnlySpan<double> actions, Span<double> logProb);

    /// <summary>Writes the entropy of each row's distribution into <paramref name="entropy"/> (length m).</summary>
    /// <exception cref="ArgumentException">The span length does not match the batch.</exception>
    void Entropy(Span<double> entropy);

    /// <summary>Log-probabilities of <paramref name="actions"/> [m x <see cref="ActionSize"/>] as an [m x 1] tensor on the tape.</summary>
    /// <exception cref="ArgumentException">The actions' shape does not match, or an action is invalid.</exception>
    Tensor LogProb(Tape tape, Tensor actions);

    /// <summary>Entropy of each row as an [m x 1] tensor on the tape (rows that share their spread share its gradient).</summary>
    Tensor Entropy(Tape tape);
}
