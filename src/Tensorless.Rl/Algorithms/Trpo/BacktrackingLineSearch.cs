namespace Tensorless.Rl.Algorithms;

/// <summary>A policy that can try a scaled step from its old parameters and report what the step does.</summary>
public interface ITrustRegionCandidate
{
    /// <summary>
    /// Sets <c>theta = theta_old + coefficient * s</c> for the prepared full step s and returns the surrogate
    /// <c>L(theta)</c> and the mean <c>KL(pi_old || pi_theta)</c> over the batch.
    /// </summary>
    (double Surrogate, double Kl) TryStep(double coefficient);

    /// <summary>Puts <c>theta_old</c> back.</summary>
    void Restore();
}

/// <summary>What a line search did.</summary>
/// <param name="Accepted">Whether a step was kept (otherwise the old parameters were restored).</param>
/// <param name="Iterations">Steps tried.</param>
/// <param name="Coefficient">The accepted fraction <c>alpha^j</c> of the full step, or 0.</param>
/// <param name="Surrogate">L at the kept parameters.</param>
/// <param name="Kl">Mean KL(pi_old || pi) at the kept parameters (0 when restored).</param>
public readonly record struct LineSearchResult(bool Accepted, int Iterations, double Coefficient, double Surrogate, double Kl);

/// <summary>
/// TRPO's backtracking line search (Schulman et al. 2015, appendix C): the natural step s was sized by a quadratic model
/// of the KL, so it is checked on the true objective and constraint. For <c>j = 0, 1, ...</c> the step
/// <c>theta_old + alpha^j s</c> is kept at the first j where the mean <c>KL(pi_old || pi_theta) &lt;= delta</c> and the
/// surrogate improves, <c>L(theta) &gt; L(theta_old)</c>; after <c>maxIterations</c> failures the old parameters return.
/// </summary>
public static class BacktrackingLineSearch
{
    /// <summary>Runs the search on <paramref name="candidate"/>.</summary>
    /// <param name="candidate">The policy with its full step prepared.</param>
    /// <param name="surrogateBefore">L(theta_old).</param>
    /// <param name="maxKl">The trust region's radius delta.</param>
    /// <param name="shrinkingFactor">alpha in (0, 1).</param>
    /// <param name="maxIterations">Steps to try, at least 1.</param>
    /// <returns>What was kept.</returns>
    public static LineSearchResult Search(ITrustRegionCandidate candidate, double surrogateBefore, double maxKl, double shrinkingFactor, int maxIterations)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        double coefficient = 1.0;
        for (int j = 0; j < maxIterations; j++)
        {
            var (surrogate, kl) = candidate.TryStep(coefficient);
            if (kl <= maxKl && surrogate > surrogateBefore)
            {
                return new LineSearchResult(true, j + 1, coefficient, surrogate, kl);
            }

            coefficient *= shrinkingFactor;
        }

        candidate.Restore();
        return new LineSearchResult(false, maxIterations, 0.0, surrogateBefore, 0.0);
    }
}
