using Tensorless.Envs.Spaces;

namespace Tensorless.Envs;

/// <summary>What one step of an env returns besides the observation.</summary>
/// <param name="Reward">Reward for the transition just taken.</param>
/// <param name="Terminated">The episode reached a terminal state of the MDP: the value after it is 0.</param>
/// <param name="Truncated">The episode was cut by a time limit: bootstrap from the final observation.</param>
public readonly record struct StepResult(double Reward, bool Terminated, bool Truncated);

/// <summary>A step with its observation, for callers that do not manage buffers.</summary>
/// <param name="Observation">Observation after the step.</param>
/// <param name="Reward">Reward for the transition.</param>
/// <param name="Terminated">Terminal state reached (no bootstrapping).</param>
/// <param name="Truncated">Time limit reached (bootstrap from <paramref name="Observation"/>).</param>
public readonly record struct Transition(double[] Observation, double Reward, bool Terminated, bool Truncated);

/// <summary>
/// One environment with Gymnasium's contract: <see cref="Reset"/> starts an episode and writes its first
/// observation; <see cref="Step"/> advances it. Implement this for your own world (a game loop, a simulator)
/// and the learners, <see cref="SyncVectorEnv"/> and <see cref="Gym.Register"/> accept it.
/// </summary>
public interface IEnv
{
    /// <summary>Registry id, e.g. <c>CartPole-v1</c>.</summary>
    string Id { get; }

    /// <summary>Space the observations belong to.</summary>
    Space ObservationSpace { get; }

    /// <summary>Space the actions must belong to.</summary>
    Space ActionSpace { get; }

    /// <summary>Steps after which the env reports <see cref="StepResult.Truncated"/>, or null for no limit.</summary>
    int? MaxEpisodeSteps { get; }

    /// <summary>Starts a new episode and writes its first observation.</summary>
    /// <param name="observation">Destination of <see cref="Space.FlatSize"/> of the observation space.</param>
    /// <param name="seed">Reseeds the env's generator; null continues the current stream.</param>
    void Reset(Span<double> observation, ulong? seed = null);

    /// <summary>Applies <paramref name="action"/>, writes the next observation and returns reward and flags.</summary>
    /// <exception cref="ArgumentException">The action is not a valid element of <see cref="ActionSpace"/>.</exception>
    /// <exception cref="InvalidOperationException">The env was stepped before its first reset.</exception>
    StepResult Step(ReadOnlySpan<double> action, Span<double> observation);
}

/// <summary>
/// Direct access to an env's physical state, as Gymnasium code does through <c>env.unwrapped.state</c>.
/// Setting a state starts a new episode from it (the time-limit counter restarts), as a reset would.
/// </summary>
public interface IStatefulEnv
{
    /// <summary>Number of state variables (in Gymnasium's <c>state</c> order).</summary>
    int StateSize { get; }

    /// <summary>Copies the current physical state into <paramref name="state"/>.</summary>
    void GetState(Span<double> state);

    /// <summary>Sets the physical state, restarts the episode's step count and writes the matching observation.</summary>
    /// <exception cref="ArgumentException"><paramref name="state"/> is not <see cref="StateSize"/> long.</exception>
    void SetState(ReadOnlySpan<double> state, Span<double> observation);
}

/// <summary>Allocating conveniences over <see cref="IEnv"/> for interactive use and examples.</summary>
public static class EnvExtensions
{
    /// <summary>Starts an episode and returns its first observation in a new array.</summary>
    public static double[] Reset(this IEnv env, ulong? seed = null)
    {
        ArgumentNullException.ThrowIfNull(env);
        var observation = new double[env.ObservationSpace.FlatSize];
        env.Reset(observation, seed);
        return observation;
    }

    /// <summary>Steps with <paramref name="action"/> and returns the observation in a new array with the flags.</summary>
    public static Transition Step(this IEnv env, ReadOnlySpan<double> action)
    {
        ArgumentNullException.ThrowIfNull(env);
        var observation = new double[env.ObservationSpace.FlatSize];
        var result = env.Step(action, observation);
        return new Transition(observation, result.Reward, result.Terminated, result.Truncated);
    }

    /// <summary>Steps a <see cref="Discrete"/> env with an integer action.</summary>
    public static Transition Step(this IEnv env, int action)
    {
        ReadOnlySpan<double> a = [action];
        return env.Step(a);
    }
}
