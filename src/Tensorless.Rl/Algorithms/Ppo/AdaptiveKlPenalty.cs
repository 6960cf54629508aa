namespace Tensorless.Rl.Algorithms;

/// <summary>The PPO paper's adaptive KL-penalty coefficient (Schulman et al. 2017, section 4).</summary>
public static class AdaptiveKlPenalty
{
    /// <summary>
    /// The coefficient for the next update: halved when the measured KL is below <c>target / 1.5</c>, doubled when
    /// above <c>target * 1.5</c>, unchanged otherwise (the paper's constants; it notes they are not critical).
    /// </summary>
    /// <param name="beta">Current coefficient, positive.</param>
    /// <param name="kl">Mean KL(pi_old || pi) measured over the last update.</param>
    /// <param name="target">Target KL, positive.</param>
    /// <returns>The next coefficient.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="beta"/> or <paramref name="target"/> is not positive.</exception>
    public static double NextBeta(double beta, double kl, double target)
    {
        if (!(beta > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be positive.");
        }

        if (!(target > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "target must be positive.");
        }

        if (kl < target / 1.5)
        {
            return beta / 2.0;
        }

        return kl > target * 1.5 ? beta * 2.0 : beta;
    }
}
