using Tensorless.Rl.Metrics;

namespace Tensorless.Rl.Training;

/// <summary>
/// A population's updates batched on a device (issue 11), beside its batched rollouts: every member's update pass runs
/// in lockstep, one launch per layer computing every member's minibatch gradient, one clipping and one optimizer step
/// for all of them, while each member keeps its own schedules, minibatch order, early stop and statistics (PPO's
/// and A2C's stepwise update, <see cref="Algorithms.IMinibatchUpdate"/>). Each member's parameters and optimizer come back to
/// its CPU policy after the update, so checkpoints, evaluation and resume are unchanged.
/// </summary>
public interface IPopulationUpdateDevice
{
    /// <summary>Why the members' updates stay on the CPU threads (the option or member that differs), or null when <see cref="UpdateAll"/> serves them.</summary>
    string? UpdateUnavailableReason { get; }

    /// <summary>
    /// One update of each listed member, from the rollout its learner holds: member <c>members[i]</c> (its index among
    /// the members the device was built for) at progress <c>progressRemaining[i]</c>, its metrics into <c>metrics[i]</c>.
    /// An exception that ends one member's update (a NaN loss) goes into <c>errors[i]</c>; the others go on. The
    /// members' host-side work (gathering minibatches, their statistics) is shared over <paramref name="threads"/> threads.
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="UpdateUnavailableReason"/> is not null.</exception>
    void UpdateAll(ReadOnlySpan<int> members, ReadOnlySpan<double> progressRemaining, IReadOnlyList<MetricsRecord> metrics, Exception?[] errors, int threads = 1);
}
