using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;

namespace Tensorless.Rl.Policies;

/// <summary>
/// Something that maps raw env observations to env actions: a trained policy loaded from a checkpoint, a live agent's
/// policy, or a hand-written controller. Evaluation runs any of them.
/// </summary>
public interface IActingPolicy
{
    /// <summary>Space of one observation.</summary>
    Space ObservationSpace { get; }

    /// <summary>Space of one action; the actions written are members of it (Box actions clipped to its bounds).</summary>
    Space ActionSpace { get; }

    /// <summary>
    /// Writes one action row per observation row. <paramref name="deterministic"/> takes the distribution's mode; otherwise
    /// actions are sampled from <paramref name="rng"/>.
    /// </summary>
    /// <param name="observations">Raw observations, rows of <c>ObservationSpace.FlatSize</c>.</param>
    /// <param name="actions">Destination, rows of <c>ActionSpace.FlatSize</c> (a Discrete action is its index).</param>
    /// <param name="deterministic">Mode instead of a sample.</param>
    /// <param name="rng">Generator for sampling; required when not deterministic.</param>
    /// <exception cref="ArgumentException">A length is wrong, or sampling was asked for without a generator.</exception>
    void Act(ReadOnlySpan<double> observations, Span<double> actions, bool deterministic, Xoshiro256? rng);
}
