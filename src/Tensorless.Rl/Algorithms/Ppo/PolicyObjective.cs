namespace Tensorless.Rl.Algorithms;

/// <summary>The surrogate objective PPO maximizes (Schulman et al. 2017, arXiv:1707.06347, sections 3 and 4).</summary>
public enum PolicyObjective
{
    /// <summary>The clipped surrogate L^CLIP with <see cref="PpoOptions.ClipRange"/>.</summary>
    Clip,

    /// <summary>
    /// The unclipped surrogate minus <c>beta * KL(pi_old || pi)</c>, with beta adapted after each update by
    /// <see cref="AdaptiveKlPenalty.NextBeta"/> (the course note's "adaptive KL penalty").
    /// </summary>
    AdaptiveKlPenalty,
}
