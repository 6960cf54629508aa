namespace Tensorless.Rl;

/// <summary>
/// Advantage estimators as pure functions over spans: Monte Carlo, TD(0), n-step and GAE(gamma, lambda).
/// </summary>
/// <remarks>
/// <para>
/// Layout is time-major: sample <c>(t, env)</c> lives at index <c>t * numEnvs + env</c>, so one time step of all
/// environments is a contiguous row and the backward recursions run over whole rows (SIMD over environments).
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
/// </remarks>
public static partial class AdvantageEstimators
{
    /// <summary>
    /// Generalized advantage estimation: effectively computes
    /// <c>delta[t] = r[t] + gamma * Vnext[t] - V[t]</c> and
    /// <c>advantages[t] = delta[t] + gamma * lambda * (1 - done[t]) * advantages[t + 1]</c>, backward in time,
    /// then <c>returns = advantages + values</c>.
    /// </summary>
    /// <param name="rewards">Rewards r_t, time-major, <c>steps * numEnvs</c>.</param>
    /// <param name="values">V(s_t), same shape as <paramref name="rewards"/>.</param>
    /// <param name="terminated">Terminated flags, same shape.</param>
    /// <param name="truncated">Truncated flags, same shape.</param>
    /// <param name="truncationValues">V(final observation) at truncated steps, same shape.</param>
    /// <param name="lastValues">V of the observation after the last step, one per environment.</param>
    /// <param name="gamma">Discount factor in [0, 1].</param>
    /// <param name="lambda">GAE lambda in [0, 1]: 0 gives TD(0), 1 gives Monte Carlo.</param>
    /// <param name="advantages">Destination for the advantages, same shape as <paramref name="rewards"/>.</param>
    /// <param name="returns">Destination for the returns (value targets), same shape.</param>
    /// <exception cref="ArgumentException">A span's length does not match, or <c>lastValues</c> is empty while rewards are not.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> or <paramref name="lambda"/> is outside [0, 1].</exception>
    public static void Gae(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        ReadOnlySpan<double> truncationValues,
        ReadOnlySpan<double> lastValues,
        double gamma,
        double lambda,
        Span<double> advantages,
        Span<double> returns)
    {
        int steps = ValidateShapes(rewards, values, terminated, truncated, truncationValues, lastValues, advantages, returns);
        ValidateUnitInterval(gamma, nameof(gamma));
        ValidateUnitInterval(lambda, nameof(lambda));
        int n = lastValues.Length;
        double gammaLambda = gamma * lambda;
        for (int t = steps - 1; t >= 0; t--)
        {
            int row = t * n;
            bool last = t == steps - 1;
            GaeRow(
                rewards.Slice(row, n),
                values.Slice(row, n),
                last ? lastValues : values.Slice(row + n, n),
                truncationValues.Slice(row, n),
                terminated.Slice(row, n),
                truncated.Slice(row, n),
                last ? ReadOnlySpan<double>.Empty : advantages.Slice(row + n, n),
                gamma,
                gammaLambda,
                advantages.Slice(row, n),
                returns.Slice(row, n));
        }
    }

    /// <summary>
    /// One-step TD error: effectively computes <c>advantages[t] = r[t] + gamma * Vnext[t] - V[t]</c> and
    /// <c>returns = advantages + values</c>. Equals <see cref="Gae"/> with lambda = 0.
    /// </summary>
    /// <param name="rewards">Rewards r_t, time-major, <c>steps * numEnvs</c>.</param>
    /// <param name="values">V(s_t), same shape as <paramref name="rewards"/>.</param>
    /// <param name="terminated">Terminated flags, same shape.</param>
    /// <param name="truncated">Truncated flags, same shape.</param>
    /// <param name="truncationValues">V(final observation) at truncated steps, same shape.</param>
    /// <param name="lastValues">V of the observation after the last step, one per environment.</param>
    /// <param name="gamma">Discount factor in [0, 1].</param>
    /// <param name="advantages">Destination for the advantages.</param>
    /// <param name="returns">Destination for the returns (value targets).</param>
    /// <exception cref="ArgumentException">A span's length does not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is outside [0, 1].</exception>
    public static void TdZero(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        ReadOnlySpan<double> truncationValues,
        ReadOnlySpan<double> lastValues,
        double gamma,
        Span<double> advantages,
        Span<double> returns)
    {
        int steps = ValidateShapes(rewards, values, terminated, truncated, truncationValues, lastValues, advantages, returns);
        ValidateUnitInterval(gamma, nameof(gamma));
        int n = lastValues.Length;
        for (int t = 0; t < steps; t++)
        {
            int row = t * n;
            GaeRow(
                rewards.Slice(row, n),
                values.Slice(row, n),
                t == steps - 1 ? lastValues : values.Slice(row + n, n),
                truncationValues.Slice(row, n),
                terminated.Slice(row, n),
                truncated.Slice(row, n),
                ReadOnlySpan<double>.Empty,
                gamma,
                0.0,
                advantages.Slice(row, n),
                returns.Slice(row, n));
        }
    }

    /// <summary>
    /// Monte Carlo: effectively computes the discounted return
    /// <c>G[t] = r[t] + gamma * (done[t] ? Vend[t] : G[t + 1])</c> backward in time, where <c>Vend</c> is 0 at a
    /// termination, the truncation value at a truncation and <c>lastValues</c> after the last step; then
    /// <c>returns = G</c> and <c>advantages = G - values</c>. Equals <see cref="Gae"/> with lambda = 1.
    /// </summary>
    /// <param name="rewards">Rewards r_t, time-major, <c>steps * numEnvs</c>.</param>
    /// <param name="values">V(s_t), same shape as <paramref name="rewards"/>.</param>
    /// <param name="terminated">Terminated flags, same shape.</param>
    /// <param name="truncated">Truncated flags, same shape.</param>
    /// <param name="truncationValues">V(final observation) at truncated steps, same shape.</param>
    /// <param name="lastValues">V of the observation after the last step, one per environment.</param>
    /// <param name="gamma">Discount factor in [0, 1].</param>
    /// <param name="advantages">Destination for the advantages.</param>
    /// <param name="returns">Destination for the returns (value targets).</param>
    /// <exception cref="ArgumentException">A span's length does not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is outside [0, 1].</exception>
    public static void MonteCarlo(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        ReadOnlySpan<double> truncationValues,
        ReadOnlySpan<double> lastValues,
        double gamma,
        Span<double> advantages,
        Span<double> returns)
    {
        int steps = ValidateShapes(rewards, values, terminated, truncated, truncationValues, lastValues, advantages, returns);
        ValidateUnitInterval(gamma, nameof(gamma));
        int n = lastValues.Length;
        for (int t = steps - 1; t >= 0; t--)
        {
            int row = t * n;
            MonteCarloRow(
                rewards.Slice(row, n),
                values.Slice(row, n),
                t == steps - 1 ? lastValues : returns.Slice(row + n, n),
                truncationValues.Slice(row, n),
                terminated.Slice(row, n),
                truncated.Slice(row, n),
                gamma,
                advantages.Slice(row, n),
                returns.Slice(row, n));
        }
    }

    /// <summary>
    /// n-step return: effectively computes
    /// <c>G[t] = r[t] + gamma r[t+1] + ... + gamma^(m-1) r[t+m-1] + gamma^m Vboot</c>, where the sum stops after
    /// <paramref name="n"/> rewards (<c>Vboot = V[t+n]</c>), or earlier at an episode end (0 at a termination, the
    /// truncation value at a truncation) or at the rollout end (<c>lastValues</c>); then <c>returns = G</c> and
    /// <c>advantages = G - values</c>. With n = 1 it equals <see cref="TdZero"/>; with n &gt;= steps, <see cref="MonteCarlo"/>.
    /// </summary>
    /// <remarks>Costs O(steps * numEnvs * min(n, steps)); the other estimators are O(steps * numEnvs).</remarks>
    /// <param name="rewards">Rewards r_t, time-major, <c>steps * numEnvs</c>.</param>
    /// <param name="values">V(s_t), same shape as <paramref name="rewards"/>.</param>
    /// <param name="terminated">Terminated flags, same shape.</param>
    /// <param name="truncated">Truncated flags, same shape.</param>
    /// <param name="truncationValues">V(final observation) at truncated steps, same shape.</param>
    /// <param name="lastValues">V of the observation after the last step, one per environment.</param>
    /// <param name="gamma">Discount factor in [0, 1].</param>
    /// <param name="n">Number of rewards before bootstrapping, at least 1.</param>
    /// <param name="advantages">Destination for the advantages.</param>
    /// <param name="returns">Destination for the returns (value targets).</param>
    /// <exception cref="ArgumentException">A span's length does not match.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> is outside [0, 1] or <paramref name="n"/> is less than 1.</exception>
    public static void NStep(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> values,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        ReadOnlySpan<double> truncationValues,
        ReadOnlySpan<double> lastValues,
        double gamma,
        int n,
        Span<double> advantages,
        Span<double> returns)
    {
        int steps = ValidateShapes(rewards, values, terminated, truncated, truncationValues, lastValues, advantages, returns);
        ValidateUnitInterval(gamma, nameof(gamma));
        if (n < 1)
        {
            ThrowNotPositive(n);
        }

        int numEnvs = lastValues.Length;
        for (int t = 0; t < steps; t++)
        {
            for (int env = 0; env < numEnvs; env++)
            {
                double sum = 0.0;
                double discount = 1.0;
                for (int k = 0; ; k++)
                {
                    int j = (t + k) * numEnvs + env;
                    sum += discount * rewards[j];
                    if (terminated[j])
                    {
                        break;
                    }

                    discount *= gamma;
                    if (truncated[j])
                    {
                        sum += discount * truncationValues[j];
                        break;
                    }

                    if (t + k == steps - 1)
                    {
                        sum += discount * lastValues[env];
                        break;
                    }

                    if (k == n - 1)
                    {
                        sum += discount * values[j + numEnvs];
                        break;
                    }
                }

                int i = t * numEnvs + env;
                returns[i] = sum;
                advantages[i] = sum - values[i];
            }
        }
    }

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
