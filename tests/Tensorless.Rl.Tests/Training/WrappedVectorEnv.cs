using Tensorless.Envs;
using Tensorless.Envs.Spaces;

namespace Tensorless.Rl.Tests.Training;

/// <summary>
/// A user-written vector env over a built-in one: delegates everything, lets a test see each step's real final
/// observations (<see cref="AfterStep"/>) and can break the final-observation contract the way a careless user env would.
/// </summary>
internal sealed class WrappedVectorEnv(IVectorEnv inner) : IVectorEnv
{
    private readonly bool[] _noFlags = new bool[inner.NumEnvs];

    /// <summary>Report every <c>HasFinalObservation</c> as false (a user env that never fills the final rows).</summary>
    public bool HideFinalObservations { get; init; }

    /// <summary>Report <c>HasFinalObservation</c> as an empty span (a user env that never allocated the flags).</summary>
    public bool EmptyFlags { get; init; }

    /// <summary>Called after each step with the inner env's truncation flags and final observations.</summary>
    public Action<ReadOnlySpan<bool>, ReadOnlySpan<bool>, ReadOnlySpan<double>>? AfterStep { get; init; }

    public string Id => "Wrapped-" + inner.Id;

    public int NumEnvs => inner.NumEnvs;

    public Space SingleObservationSpace => inner.SingleObservationSpace;

    public Space SingleActionSpace => inner.SingleActionSpace;

    public int ObservationSize => inner.ObservationSize;

    public int ActionSize => inner.ActionSize;

    public int? MaxEpisodeSteps => inner.MaxEpisodeSteps;

    public ReadOnlySpan<double> FinalObservations => inner.FinalObservations;

    public ReadOnlySpan<bool> HasFinalObservation => EmptyFlags ? [] : HideFinalObservations ? _noFlags : inner.HasFinalObservation;

    public void Reset(Span<double> observations, ulong? seed = null) => inner.Reset(observations, seed);

    public void Step(ReadOnlySpan<double> actions, Span<double> observations, Span<double> rewards, Span<bool> terminated, Span<bool> truncated)
    {
        inner.Step(actions, observations, rewards, terminated, truncated);
        AfterStep?.Invoke(truncated, inner.HasFinalObservation, inner.FinalObservations);
    }
}
