namespace Tensorless.Rl.Advantages;

/// <summary>
/// Advantage estimators as pure functions over spans: Monte Carlo, TD(0), n-step and GAE(gamma, lambda).
/// </summary>
/// <remarks>
/// <para>
/// Layout is time-major: sample <c>(t, env)</c> lives at index <c>t * numEnvs + env</c>, so one time step of all
/// environments is a contiguous row and the backward recursions run over whole rows, vectorised over environments by
/// the row kernels in <see cref="Tensorless.Autodiff.Kernels.AdvantageKernels"/> (Rl carries no SIMD code of its own).
/// <c>numEnvs</c> is <c>lastValues.Length</c> and <c>steps</c> is <c>rewards.Length / numEnvs</c>.
/// </para>
/// <para>Every estimator uses the same episode-boundary rules (Gymnasium's <c>terminated</c>/<c>truncated</c>):</para>
/// <list type="bullet">
/// <item><description><c>terminated[t]</c>: a real end. The value after step t is 0, nothing is carried across.</description></item>
/// <item><description><c>truncated[t]</c> (and not terminated): a time limit. The value after step t is
/// <c>truncationValues[t]</c>, V of the episode's final observation (the vector env has already auto-reset, so
/// <c>values[t + 1]</c> belongs to the next episode); nothing is carried across.</description></item>
/// <item><description>The rollout end: the value after step <c>steps - 1</c> is <c>lastValues[env]</c>, used once.</description></item>
/// </list>
/// <para>
/// These rules avoid the seeds' slips listed in DESIGN.md: their GAE recursion had no <c>(1 - done)</c> cut, they
/// bootstrapped the last step twice (into the reward and again in the TD error), and they treated time limits as
/// terminal. <c>truncationValues</c> is read only where a step is truncated and not terminated, and <c>lastValues</c>
/// only where the last step did not end; other entries may hold anything, NaN included.
/// </para>
/// <para>
/// All methods write <c>advantages</c> and <c>returns</c> (the value targets, <c>advantages + values</c>) and
/// allocate nothing. Outputs must not overlap the inputs or each other.
/// </para>
/// <para>
/// One estimator per file (<c>Gae.cs</c>, <c>MonteCarlo.cs</c>, <c>TemporalDifference.cs</c>, <c>NStep.cs</c>); this
/// file holds the dispatch by <see cref="AdvantageEstimator"/>, <c>AdvantageEstimators.Validation.cs</c> the argument checks.
/// </para>
/// </remarks>
public static partial class AdvantageEstimators
{
    /// <summary>
    /// Runs the estimator named by <paramref name="method"/>; <paramref name="lambda"/> is used only by
    /// <see cref="AdvantageEstimator.Gae"/> and <paramref name="n"/> only by <see cref="AdvantageEstimator.NStep"/>.
    /// </summary>
    /// <param name="method">Which estimator to run.</param>
    /// <param name="rewards">Rewards r_t, time-major, <c>steps * numEnvs</c>.</param>
    /// <param name="values">V(s_t), same shape as <paramref name="rewards"/>.</param>
    /// <param name="terminated">Terminated flags, same shape.</param>
    /// <param name="truncated">Truncated flags, same shape.</param>
    /// <param name="truncationValues">V(final observation) at truncated steps, same shape.</param>
    /// <param name="lastValues">V of the observation after the last step, one per environment.</param>
    /// <param name="gamma">Discount factor in [0, 1].</param>
    /// <param name="lambda">GAE lambda in [0, 1].</param>
    /// <param name="n">n-step horizon, at least 1.</param>
    /// <param name="advantages">Destination for the advantages.</param>
    /// <param name="returns">Destination for the returns (value targets).</param>
    /// <exception cref="ArgumentException">As the chosen estimator, or <paramref name="method"/> is not defined.</exception>
    public static void Compute(
        AdvantageEstimator method,
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        ReadOnlySpan<double> truncationValues,
        ReadOnlySpan<double> lastValues,
        double gamma,
        double lambda,
        int n,
        Span<double> advantages,
        Span<double> returns)
    {
        switch (method)
        {
            case AdvantageEstimator.Gae:
                Gae(rewards, values, terminated, truncated, truncationValues, lastValues, gamma, lambda, advantages, returns);
                break;
            case AdvantageEstimator.MonteCarlo:
                MonteCarlo(rewards, values, terminated, truncated, truncationValues, lastValues, gamma, advantages, returns);
                break;
            case AdvantageEstimator.TdZero:
                TdZero(rewards, values, terminated, truncated, truncationValues, lastValues, gamma, advantages, returns);
                break;
            case AdvantageEstimator.NStep:
                NStep(rewards, values, terminated, truncated, truncationValues, lastValues, gamma, n, advantages, returns);
                break;
            default:
                throw new ArgumentException($"Unknown advantage estimator {method}.", nameof(method));
        }
    }
}
