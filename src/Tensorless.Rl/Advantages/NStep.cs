namespace Tensorless.Rl.Advantages;

// n-step returns: a forward sum per sample, O(steps * numEnvs * min(n, steps)); plain scalar code (no kernel).
public static partial class AdvantageEstimators
{
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
}
