using Tensorless.Autodiff;

namespace Tensorless.Rl.Policies;

/// <summary>What the update needs from one forward pass on the tape: per-sample log-probability, entropy and value, each [m x 1].</summary>
/// <param name="LogProb">Log-probability of the taken actions under the current policy.</param>
/// <param name="Entropy">Entropy of the current action distribution, per sample (state-independent heads repeat it).</param>
/// <param name="Value">The critic's estimate V(s), or null when the caller asked for the actor only.</param>
public readonly record struct PolicyEvaluation(Tensor LogProb, Tensor Entropy, Tensor? Value);
