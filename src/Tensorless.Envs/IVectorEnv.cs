using Tensorless.Envs.Spaces;

namespace Tensorless.Envs;

/// <summary>
/// N copies of one env stepped together, writing into caller-owned row-major buffers. An env whose
/// episode ends in <see cref="Step"/> is reset in the same call: its row of <c>observations</c> holds the
/// new episode's first observation, while the ended episode's last observation is kept in
/// <see cref="FinalObservations"/> and flagged in <see cref="HasFinalObservation"/> so a learner can
/// bootstrap a truncated episode from it (Gymnasium's same-step autoreset).
/// </summary>
public interface IVectorEnv
{
    /// <summary>Registry id of the underlying env.</summary>
    string Id { get; }

    /// <summary>Number of envs N.</summary>
    int NumEnvs { get; }

    /// <summary>Observation space of one env.</summary>
    Space SingleObservationSpace { get; }

    /// <summary>Action space of one env.</summary>
    Space SingleActionSpace { get; }

    /// <summary>Doubles per observation row.</summary>
    int ObservationSize { get; }

    /// <summary>Doubles per action row (1 for Discrete).</summary>
    int ActionSize { get; }

    /// <summary>
    /// Steps after which each env reports <c>truncated</c>, or null for no limit: the limit these envs were built with
    /// (an override included), which evaluation and checkpoints carry so a policy is judged under the limit it trained on.
    /// </summary>
    int? MaxEpisodeSteps { get; }

    /// <summary>Resets every env and writes the N x <see cref="ObservationSize"/> first observations.</summary>
    /// <param name="observations">Destination, row-major.</param>
    /// <param name="seed">Env i is seeded with <c>seed + i</c>; null continues each env's stream.</param>
    void Reset(Span<double> observations, ulong? seed = null);

    /// <summary>Steps every env with its row of <paramref name="actions"/> and auto-resets the ones that ended.</summary>
    /// <exception cref="ArgumentException">A buffer has the wrong length or an action is invalid (nothing is stepped).</exception>
    /// <exception cref="InvalidOperationException">Stepped before the first <see cref="Reset"/>.</exception>
    void Step(ReadOnlySpan<double> actions, Span<double> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated);

    /// <summary>N x <see cref="ObservationSize"/>: row i is the last observation of the episode env i ended in the
    /// last <see cref="Step"/>; meaningful only where <see cref="HasFinalObservation"/> is set. It must be written for
    /// every env that reported <c>truncated</c>: learners bootstrap a truncated episode from it, and a rollout collector
    /// refuses a step that reports <c>truncated</c> without setting <see cref="HasFinalObservation"/>.</summary>
    ReadOnlySpan<double> FinalObservations { get; }

    /// <summary>Which envs ended an episode (terminated or truncated) in the last <see cref="Step"/>, N long; set for every
    /// env that reported <c>truncated</c>, whose <see cref="FinalObservations"/> row was written in that step.</summary>
    ReadOnlySpan<bool> HasFinalObservation { get; }
}

/// <summary>Per-env state access on a vector env, for tests and replays (see <see cref="IStatefulEnv"/>).</summary>
public interface IStatefulVectorEnv
{
    /// <summary>Number of state variables of one env.</summary>
    int StateSize { get; }

    /// <summary>Copies env <paramref name="index"/>'s physical state into <paramref name="state"/>.</summary>
    void GetState(int index, Span<double> state);

    /// <summary>Sets env <paramref name="index"/>'s state, restarts its episode and writes its observation row.</summary>
    void SetState(int index, ReadOnlySpan<double> state, Span<double> observation);
}
