using Tensorless.Autodiff;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Policies;

namespace Tensorless.Rl.Training;

/// <summary>
/// A place other than the CPU where a rollout is collected (issue 11: the ILGPU rollout of <c>Tensorless.Gpu</c>): the
/// policy acts, the envs step and reset, and the truncation bootstrap and GAE run there, and the rollout comes back into
/// the CPU buffer. The CPU's state stays the run's state: the device starts each rollout from the training env's state,
/// the learner's generator and the current observations, and leaves all three where a CPU rollout would have, so
/// checkpoints, evaluation and a later CPU rollout are unchanged.
/// </summary>
public interface IRolloutDevice
{
    /// <summary>The device as <c>--device</c> names it, with the accelerator.</summary>
    string Name { get; }

    /// <summary>
    /// Wall seconds of a batched collection charged to the rollout the last <see cref="Collect"/> handed over (a
    /// population's batch divided among its members); 0 when <see cref="Collect"/> collected it itself, inside its own time.
    /// </summary>
    double SharedSeconds { get; }

    /// <summary>
    /// Collects <c>buffer.Steps</c> steps with <paramref name="policy"/>'s current parameters: fills the buffer's
    /// observations, actions, rewards, flags, values, log-probabilities, final observations, truncation values, last
    /// observations and last values as <see cref="RolloutCollector.Collect"/> does, draws the actions from
    /// <paramref name="rng"/> (advanced as the CPU would), steps the training env the device was built for and puts it
    /// where the CPU would have left it, and overwrites <paramref name="observations"/> with the observations after the
    /// last step. With <see cref="AdvantageEstimator.Gae"/> it also fills the advantages and returns and returns true;
    /// for another estimator, or gamma and lambda other than the ones the device was built with, it returns false and
    /// the caller computes them.
    /// </summary>
    /// <exception cref="ArgumentException">The policy gave a non-finite log-probability or value (as the CPU's distributions refuse NaN or infinite logits).</exception>
    bool Collect(ActorCriticPolicy policy, RolloutBuffer buffer, Xoshiro256 rng, Span<double> observations, AdvantageEstimator estimator, double gamma, double lambda);
}

/// <summary>
/// Rollouts for every member of a population at once on a device (issue 11): one batch per tick, then each member's
/// collector takes its own part through <see cref="Member"/> (set as the member's <see cref="OnPolicyLearner.RolloutDevice"/>).
/// The members' updates are not part of it.
/// </summary>
public interface IPopulationRolloutDevice : IDisposable
{
    /// <summary>The device as <c>--device</c> names it, with the accelerator.</summary>
    string Name { get; }

    /// <summary>
    /// One rollout of every member from its learner's current state, kept until each member's collector takes it; a
    /// member that does not take it (it stopped) keeps its CPU state, and the next batch starts from there.
    /// </summary>
    void CollectAll();

    /// <summary>Member <paramref name="index"/>'s part, for its learner's <see cref="OnPolicyLearner.RolloutDevice"/>.</summary>
    IRolloutDevice Member(int index);
}
