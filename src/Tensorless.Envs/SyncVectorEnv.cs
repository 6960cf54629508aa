using Tensorless.Envs.Spaces;

namespace Tensorless.Envs;

/// <summary>
/// A vector env over N independent <see cref="IEnv"/> instances stepped one after another, for user-defined
/// envs that have no batched implementation. Same semantics as the built-in vector envs: env i is seeded
/// with seed + i, and an env whose episode ends is reset in the same <see cref="Step"/> with its final
/// observation kept in <see cref="FinalObservations"/>.
/// </summary>
public sealed class SyncVectorEnv : IVectorEnv
{
    private readonly IEnv[] envs;
    private readonly double[] finalObservations;
    private readonly bool[] hasFinal;
    private ulong? pendingSeed;
    private bool started;

    /// <summary>Wraps <paramref name="envs"/>, which must share id and spaces.</summary>
    /// <param name="envs">The envs, at least one.</param>
    /// <param name="seed">Seed used by the first <see cref="Reset"/> that is not given one.</param>
    /// <exception cref="ArgumentException">No envs, or envs with different ids or spaces.</exception>
    public SyncVectorEnv(IReadOnlyList<IEnv> envs, ulong? seed = null)
    {
        ArgumentNullException.ThrowIfNull(envs);
        if (envs.Count == 0)
        {
            throw new ArgumentException("A vector env needs at least one env.", nameof(envs));
        }

        this.envs = [.. envs];
        var first = this.envs[0];
        foreach (var env in this.envs)
        {
            if (env.Id != first.Id || !env.ObservationSpace.Equals(first.ObservationSpace) || !env.ActionSpace.Equals(first.ActionSpace))
            {
                throw new ArgumentException($"All envs must share id and spaces: {first.Id} {first.ObservationSpace} {first.ActionSpace} vs {env.Id} {env.ObservationSpace} {env.ActionSpace}.", nameof(envs));
            }

            if (env.MaxEpisodeSteps != first.MaxEpisodeSteps)
            {
                throw new ArgumentException($"All envs must share a time limit: {first.Id} has {Describe(first.MaxEpisodeSteps)} and {Describe(env.MaxEpisodeSteps)}.", nameof(envs));
            }
        }

        pendingSeed = seed;
        finalObservations = new double[this.envs.Length * ObservationSize];
        hasFinal = new bool[this.envs.Length];
    }

    /// <inheritdoc />
    public string Id => envs[0].Id;

    /// <inheritdoc />
    public int NumEnvs => envs.Length;

    /// <inheritdoc />
    public Space SingleObservationSpace => envs[0].ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => envs[0].ActionSpace;

    /// <inheritdoc />
    public int ObservationSize => SingleObservationSpace.FlatSize;

    /// <inheritdoc />
    public int ActionSize => SingleActionSpace.FlatSize;

    /// <summary>The envs' shared time limit (<see cref="IEnv.MaxEpisodeSteps"/>, a <see cref="TimeLimit"/> wrapper's included).</summary>
    public int? MaxEpisodeSteps => envs[0].MaxEpisodeSteps;

    /// <summary>The wrapped envs, in index order.</summary>
    public IReadOnlyList<IEnv> Envs => envs;

    /// <inheritdoc />
    public ReadOnlySpan<double> FinalObservations => finalObservations;

    /// <inheritdoc />
    public ReadOnlySpan<bool> HasFinalObservation => hasFinal;

    /// <inheritdoc />
    public void Reset(Span<double> observations, ulong? seed = null)
    {
        CheckLength(observations.Length, NumEnvs * ObservationSize, nameof(observations));
        seed ??= pendingSeed;
        pendingSeed = null;
        int size = ObservationSize;
        for (int i = 0; i < envs.Length; i++)
        {
            envs[i].Reset(observations.Slice(i * size, size), seed is { } s ? unchecked(s + (ulong)i) : null);
        }

        Array.Clear(hasFinal);
        started = true;
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> actions, Span<double> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        if (!started)
        {
            throw new InvalidOperationException($"{Id}: vector env stepped before Reset.");
        }

        int n = NumEnvs, obsSize = ObservationSize, actSize = ActionSize;
        CheckLength(actions.Length, n * actSize, nameof(actions));
        CheckLength(observations.Length, n * obsSize, nameof(observations));
        CheckLength(rewards.Length, n, nameof(rewards));
        CheckLength(terminated.Length, n, nameof(terminated));
        CheckLength(truncated.Length, n, nameof(truncated));
        for (int i = 0; i < n; i++)
        {
            var row = observations.Slice(i * obsSize, obsSize);
            var result = envs[i].Step(actions.Slice(i * actSize, actSize), row);
            rewards[i] = result.Reward;
            terminated[i] = result.Terminated;
            truncated[i] = result.Truncated;
            bool ended = result.Terminated || result.Truncated;
            hasFinal[i] = ended;
            if (ended)
            {
                row.CopyTo(finalObservations.AsSpan(i * obsSize, obsSize));
                envs[i].Reset(row);
            }
        }
    }

    private void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{Id}: {name} must have {expected} elements for {NumEnvs} envs, got {actual}.", name);
        }
    }

    private static string Describe(int? limit) => limit is int l ? $"a limit of {l} steps" : "no limit";
}
