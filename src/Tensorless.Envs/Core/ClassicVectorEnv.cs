using Tensorless.Envs.Random;
using Tensorless.Envs.Spaces;

namespace Tensorless.Envs.Core;

/// <summary>
/// A batched built-in env: one structure-of-arrays <see cref="EnvCore"/> of N envs stepped in one loop,
/// with per-env time limits, per-env <see cref="Pcg64"/> streams (env i seeded with seed + i) and
/// same-step auto-reset that keeps the ended episode's final observation.
/// </summary>
internal sealed partial class ClassicVectorEnv : IExportableVectorEnv
{
    private readonly EnvCore core;
    private readonly int? maxEpisodeSteps;
    private readonly Pcg64?[] rngs;
    private readonly int[] elapsed;
    private readonly double[] finalObservations;
    private readonly bool[] hasFinal;
    private ulong? pendingSeed;
    private bool started;

    public ClassicVectorEnv(string id, EnvCore core, int? maxEpisodeSteps, ulong? seed)
    {
        Id = id;
        this.core = core;
        this.maxEpisodeSteps = maxEpisodeSteps;
        pendingSeed = seed;
        rngs = new Pcg64?[core.Count];
        elapsed = new int[core.Count];
        finalObservations = new double[core.Count * ObservationSize];
        hasFinal = new bool[core.Count];
    }

    /// <inheritdoc />
    public string Id { get; }

    /// <inheritdoc />
    public int NumEnvs => core.Count;

    /// <inheritdoc />
    public Space SingleObservationSpace => core.ObservationSpace;

    /// <inheritdoc />
    public Space SingleActionSpace => core.ActionSpace;

    /// <inheritdoc />
    public int ObservationSize => core.ObservationSpace.FlatSize;

    /// <inheritdoc />
    public int ActionSize => core.ActionSpace.FlatSize;

    /// <inheritdoc />
    public int? MaxEpisodeSteps => maxEpisodeSteps;

    /// <inheritdoc />
    public int StateSize => core.StateSize;

    /// <inheritdoc />
    public ReadOnlySpan<double> FinalObservations => finalObservations;

    /// <inheritdoc />
    public ReadOnlySpan<bool> HasFinalObservation => hasFinal;

    /// <summary>
    /// Resets all envs. With no <paramref name="seed"/>, the first reset uses the seed given at construction
    /// (if any) and later ones continue each env's stream.
    /// </summary>
    public void Reset(Span<double> observations, ulong? seed = null)
    {
        CheckLength(observations.Length, NumEnvs * ObservationSize, nameof(observations));
        seed ??= pendingSeed;
        pendingSeed = null;
        for (int i = 0; i < NumEnvs; i++)
        {
            var rng = seed is { } s ? new Pcg64(unchecked(s + (ulong)i)) : rngs[i] ?? Pcg64.FromEntropy();
            rngs[i] = rng;
            core.Reset(i, rng);
            elapsed[i] = 0;
        }

        Array.Clear(hasFinal);
        started = true;
        core.WriteObservations(observations);
    }

    /// <inheritdoc />
    public void Step(ReadOnlySpan<double> actions, Span<double> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        if (!started)
        {
            throw new InvalidOperationException($"{Id}: vector env stepped before Reset.");
        }

        int n = NumEnvs, obsSize = ObservationSize;
        CheckLength(observations.Length, n * obsSize, nameof(observations));
        CheckLength(rewards.Length, n, nameof(rewards));
        CheckLength(terminated.Length, n, nameof(terminated));
        CheckLength(truncated.Length, n, nameof(truncated));
        ActionCheck.Validate(Id, core.ActionSpace, actions, n);

        core.Step(actions, rewards, terminated);
        core.WriteObservations(observations);
        int limit = maxEpisodeSteps ?? int.MaxValue;
        for (int i = 0; i < n; i++)
        {
            int t = ++elapsed[i];
            bool cut = t >= limit;
            truncated[i] = cut;
            bool ended = cut | terminated[i];
            hasFinal[i] = ended;
            if (ended)
            {
                var row = observations.Slice(i * obsSize, obsSize);
                row.CopyTo(finalObservations.AsSpan(i * obsSize, obsSize));
                core.Reset(i, rngs[i]!);
                elapsed[i] = 0;
                core.WriteObservation(i, row);
            }
        }
    }

    /// <inheritdoc />
    public void GetState(int index, Span<double> state)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)NumEnvs, nameof(index));
        CheckLength(state.Length, StateSize, nameof(state));
        core.GetState(index, state);
    }

    /// <summary>Sets env <paramref name="index"/>'s state and restarts its episode; the other envs are untouched.
    /// Envs never reset get a generator from entropy so that a later auto-reset has a stream to draw from.</summary>
    public void SetState(int index, ReadOnlySpan<double> state, Span<double> observation)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)NumEnvs, nameof(index));
        CheckLength(state.Length, StateSize, nameof(state));
        CheckLength(observation.Length, ObservationSize, nameof(observation));
        if (!started)
        {
            for (int i = 0; i < NumEnvs; i++)
            {
                rngs[i] ??= pendingSeed is { } s ? new Pcg64(unchecked(s + (ulong)i)) : Pcg64.FromEntropy();
                core.Reset(i, rngs[i]!);
            }

            pendingSeed = null;
            started = true;
        }

        core.SetState(index, state);
        elapsed[index] = 0;
        hasFinal[index] = false;
        core.WriteObservation(index, observation);
    }

    /// <summary>Overwrites env <paramref name="index"/>'s state, keeping its step counter (teacher-forced replays).</summary>
    internal void ReplaceState(int index, ReadOnlySpan<double> state)
    {
        CheckLength(state.Length, StateSize, nameof(state));
        core.SetState(index, state);
    }

    private void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{Id}: {name} must have {expected} elements for {NumEnvs} envs, got {actual}.", name);
        }
    }
}
