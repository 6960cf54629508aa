namespace Tensorless.Rl.Metrics;

/// <summary>An episode that finished during training.</summary>
/// <param name="EnvSteps">Environment steps (summed over environments) at the end of the step in which it finished.</param>
/// <param name="Env">Index of the environment it ran in.</param>
/// <param name="Return">Undiscounted sum of its rewards.</param>
/// <param name="Length">Number of steps.</param>
/// <param name="Truncated">Whether it ended by truncation (a time limit) rather than termination.</param>
public readonly record struct FinishedEpisode(long EnvSteps, int Env, double Return, int Length, bool Truncated);
