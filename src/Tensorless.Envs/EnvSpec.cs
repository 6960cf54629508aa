using Tensorless.Envs.Spaces;

namespace Tensorless.Envs;

/// <summary>What the registry knows about an env id, as Gymnasium's <c>EnvSpec</c>.</summary>
/// <param name="Id">Registry id, e.g. <c>CartPole-v1</c>.</param>
/// <param name="ObservationSpace">Observation space of one env.</param>
/// <param name="ActionSpace">Action space of one env.</param>
/// <param name="MaxEpisodeSteps">Default time limit, or null for none.</param>
/// <param name="RewardThreshold">Average return at which the task counts as solved, if defined.</param>
public sealed record EnvSpec(string Id, Space ObservationSpace, Space ActionSpace, int? MaxEpisodeSteps, double? RewardThreshold)
{
    /// <summary>Builds a single env with the given time limit (null for none).</summary>
    internal Func<int?, IEnv> MakeSingle { get; init; } = null!;

    /// <summary>Builds a vector env of N envs with the given time limit and first-reset seed.</summary>
    internal Func<int, int?, ulong?, IVectorEnv> MakeVector { get; init; } = null!;
}
