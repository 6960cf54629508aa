namespace Tensorless.Rl.Training;

/// <summary>The options every on-policy learner shares, taken from an algorithm's options record.</summary>
/// <param name="NumSteps">Steps per env per rollout (T).</param>
/// <param name="Gamma">Discount factor.</param>
/// <param name="GaeLambda">GAE's lambda (used by <see cref="AdvantageEstimator.Gae"/>).</param>
/// <param name="Estimator">How advantages are estimated.</param>
/// <param name="NStep">n for <see cref="AdvantageEstimator.NStep"/>.</param>
/// <param name="Seed">Seed of the env resets, the weights and the action sampling.</param>
/// <param name="NormalizeObservations">Running mean/std observation normalisation (SB3 VecNormalize).</param>
/// <param name="NormalizeRewards">Return-based reward scaling (SB3 VecNormalize).</param>
public sealed record RolloutSettings(
    int NumSteps,
    double Gamma,
    double GaeLambda,
    AdvantageEstimator Estimator,
    int NStep,
    ulong Seed,
    bool NormalizeObservations,
    bool NormalizeRewards);
