using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Core;

/// <summary>
/// A single built-in env: a one-env <see cref="EnvCore"/> plus what Gymnasium's wrappers add around it
/// (order enforcing, the time limit) and the env's own <see cref="Pcg64"/> stream.
/// </summary>
internal sealed class ClassicEnv : IEnv, IStatefulEnv
{
    private readonly EnvCore core;
    private Pcg64? rng;
    private int elapsed;
    private bool started;

    public ClassicEnv(string id, EnvCore core, int? maxEpisodeSteps)
    {
        Id = id;
        this.core = core;
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public Space ObservationSpace => core.ObservationSpace;

    /// <inheritdoc />
    public Space ActionSpace => core.ActionSpace;

    /// <inheritdoc />
    public int? MaxEpisodeSteps { get; }

    /// <inheritdoc />
    public int StateSize => core.StateSize;

    /// <inheritdoc />
    public void Reset(Span<double> observation, ulong? seed = null)
    {
        CheckObservation(observation);
        rng = seed is { } s ? new Pcg64(s) : rng ?? Pcg64.FromEntropy();
        core.Reset(0, rng);
        elapsed = 0;
        started = true;
        core.WriteObservation(0, observation);
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        if (!started)
        {
            throw new InvalidOperationException($"{Id}: Step was called before Reset (or SetState).");
        }

        ActionCheck.Validate(Id, core.ActionSpace, action, 1);
        CheckObservation(observation);
        Span<double> reward = stackalloc double[1];
        Span<bool> terminated = stackalloc bool[1];
        core.Step(action, reward, terminated);
        core.WriteObservation(0, observation);
        elapsed++;
        // Gymnasium's TimeLimit: truncation depends only on the step count, never on termination.
        bool truncated = elapsed >= MaxEpisodeSteps;
        return new StepResult(reward[0], terminated[0], truncated);
    }

    /// <inheritdoc />
    public void GetState(Span<double> state)
    {
        CheckState(state.Length);
        core.GetState(0, state);
    }

    /// <inheritdoc />
    public void SetState(ReadOnlySpan<double> state, Span<double> observation)
    {
        CheckState(state.Length);
        CheckObservation(observation);
        core.SetState(0, state);
        elapsed = 0;
        started = true;
        core.WriteObservation(0, observation);
    }

    /// <summary>Overwrites the physical state without touching the step counter: teacher-forced replays set
    /// every step's starting state while the time limit keeps counting.</summary>
    internal void ReplaceState(ReadOnlySpan<double> state)
    {
        CheckState(state.Length);
        core.SetState(0, state);
    }

    private void CheckObservation(Span<double> observation)
    {
        if (observation.Length != core.ObservationSpace.FlatSize)
        {
            throw new ArgumentException($"{Id}: observation buffer must have {core.ObservationSpace.FlatSize} elements, got {observation.Length}.", nameof(observation));
        }
    }

    private void CheckState(int length)
    {
        if (length != core.StateSize)
        {
            throw new ArgumentException($"{Id}: state must have {core.StateSize} elements, got {length}.", "state");
        }
    }
}
