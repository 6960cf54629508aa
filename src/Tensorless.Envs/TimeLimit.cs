using Tensorless.Envs.Spaces;

namespace Tensorless.Envs;

/// <summary>
/// Gymnasium's <c>TimeLimit</c> for user envs: reports <see cref="StepResult.Truncated"/> once
/// <see cref="MaxEpisodeSteps"/> steps have passed since the last reset, whatever <c>terminated</c> says.
/// It also enforces reset-before-step. Built-in envs have the limit inside and need no wrapper.
/// </summary>
public sealed class TimeLimit : IEnv
{
    private readonly IEnv env;
    private int elapsed;
    private bool started;

    /// <summary>Wraps <paramref name="env"/> with a limit of <paramref name="maxEpisodeSteps"/> steps.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEpisodeSteps"/> is not positive.</exception>
    public TimeLimit(IEnv env, int maxEpisodeSteps)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxEpisodeSteps);
        this.env = env;
        MaxEpisodeSteps = maxEpisodeSteps;
    }

    /// <inheritdoc />
    public string Id => env.Id;

    /// <inheritdoc />
    public Space ObservationSpace => env.ObservationSpace;

    /// <inheritdoc />
    public Space ActionSpace => env.ActionSpace;

    /// <inheritdoc />
    public int? MaxEpisodeSteps { get; }

    /// <summary>The wrapped env.</summary>
    public IEnv Inner => env;

    /// <inheritdoc />
    public void Reset(Span<double> observation, ulong? seed = null)
    {
        env.Reset(observation, seed);
        elapsed = 0;
        started = true;
    }

    /// <inheritdoc />
    public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
    {
        if (!started)
        {
            throw new InvalidOperationException($"{Id}: Step was called before Reset.");
        }

        var result = env.Step(action, observation);
        elapsed++;
        return result with { Truncated = result.Truncated || elapsed >= MaxEpisodeSteps };
    }
}
