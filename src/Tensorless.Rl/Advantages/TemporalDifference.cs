using Tensorless.Autodiff.Kernels;

namespace Tensorless.Rl.Advantages;

// TD(0): the one-step TD error, GAE's row kernel with lambda = 0 and nothing carried, so rows are independent.
public static partial class AdvantageEstimators
{
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
            AdvantageKernels.GaeRow(
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
}
