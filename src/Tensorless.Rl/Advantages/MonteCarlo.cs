using Tensorless.Autodiff.Kernels;

namespace Tensorless.Rl.Advantages;

// Monte Carlo: the discounted return to the episode end (or its bootstrap), backward in time a row at a time.
public static partial class AdvantageEstimators
{
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
            AdvantageKernels.DiscountedReturnRow(
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
}
