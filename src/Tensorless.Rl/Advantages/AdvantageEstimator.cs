namespace Tensorless.Rl.Advantages;

/// <summary>
/// Which advantage estimator turns a rollout into advantages and returns. All of them cut at
/// <c>terminated</c>, bootstrap from the final observation's value at <c>truncated</c>, and bootstrap
/// from the last observation's value at the rollout end; see <see cref="AdvantageEstimators"/>.
/// </summary>
public enum AdvantageEstimator
{
    /// <summary>Generalized advantage estimation, GAE(gamma, lambda) (Schulman et al. 2015, arXiv:1506.02438).</summary>
    Gae,

    /// <summary>Discounted return to the episode end (or bootstrap) minus V(s_t); equals GAE with lambda = 1.</summary>
    MonteCarlo,

    /// <summary>One-step TD error r_t + gamma V(s_{t+1}) - V(s_t); equals GAE with lambda = 0.</summary>
    TdZero,

    /// <summary>n-step return minus V(s_t): n rewards, then the value n steps ahead (cut earlier at episode and rollout ends).</summary>
    NStep,
}
