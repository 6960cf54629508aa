using Tensorless.Autodiff.Kernels;

namespace Tensorless.Rl.Advantages;

// Generalized advantage estimation (Schulman, Moritz, Levine, Jordan, Abbeel, "High-Dimensional Continuous Control
// Using Generalized Advantage Estimation", ICLR 2016, arXiv:1506.02438), eq. 16:
//     A_t = sum_{l >= 0} (gamma * lambda)^l * delta_{t+l},   delta_t = r_t + gamma * V(s_{t+1}) - V(s_t),
// computed backward in time as A_t = delta_t + gamma * lambda * A_{t+1}. First the plain loop, as CleanRL's ppo.py
// writes it (one pass from the last step to the first, over all environments), with our episode-boundary rules; then
// the fast path, the same recursion a whole row (one step of every environment) at a time through the vectorised
// kernel. A test holds the two to the same bits.
public static partial class AdvantageEstimators
{
    /// <summary>
    /// The plain reference loop that <see cref="Gae"/> equals bit for bit: GAE as CleanRL's <c>ppo.py</c> writes it,
    /// one backward pass over time, environment by environment. Same arguments, checks and results as <see cref="Gae"/>;
    /// read this one for the maths, run that one for the speed.
    /// </summary>
    /// <param name="rewards">Rewards r_t, time-major, <c>steps * numEnvs</c>.</param>
    /// <param name="values">V(s_t), same shape as <paramref name="rewards"/>.</param>
    /// <param name="terminated">Terminated flags, same shape.</param>
    /// <param name="truncated">Truncated flags, same shape.</param>
    /// <param name="truncationValues">V(final observation) at truncated steps, same shape.</param>
    /// <param name="lastValues">V of the observation after the last step, one per environment.</param>
    /// <param name="gamma">Discount factor in [0, 1].</param>
    /// <param name="lambda">GAE lambda in [0, 1].</param>
    /// <param name="advantages">Destination for the advantages, same shape as <paramref name="rewards"/>.</param>
    /// <param name="returns">Destination for the returns (value targets), same shape.</param>
    /// <exception cref="ArgumentException">A span's length does not match, or <c>lastValues</c> is empty while rewards are not.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="gamma"/> or <paramref name="lambda"/> is outside [0, 1].</exception>
    internal static void GaeReference(
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
        int numEnvs = lastValues.Length;
        for (int t = steps - 1; t >= 0; t--)
        {
            bool rolloutEnd = t == steps - 1;
            for (int env = 0; env < numEnvs; env++)
            {
                int i = (t * numEnvs) + env;
                bool episodeEnds = terminated[i] || truncated[i];

                // V_{t+1}, the value after step t. CleanRL writes nextvalues * (1 - done); we choose instead of
                // multiplying, because an entry not chosen may hold NaN, and keep the two ends apart (Gymnasium):
                // a termination is a real end (0), a truncation is a time limit (V of the episode's final observation,
                // since values[t + 1] already belongs to the auto-reset next episode), and the rollout end bootstraps
                // from lastValues, once.
                double nextValue =
                    terminated[i] ? 0.0
                    : truncated[i] ? truncationValues[i]
                    : rolloutEnd ? lastValues[env]
                    : values[i + numEnvs];

                // delta_t = r_t + gamma * V_{t+1} - V_t
                double delta = rewards[i] + (gamma * nextValue) - values[i];

                // A_t = delta_t + gamma * lambda * A_{t+1}, carried only while the episode goes on. Past the rollout end
                // there is nothing (CleanRL's lastgaelam = 0), so the last step's advantage is its TD error; an episode
                // end adds a plain 0 (as the kernel does, so even a -0 TD error keeps its bits).
                double advantage = rolloutEnd
                    ? delta
                    : delta + (episodeEnds ? 0.0 : gamma * lambda * advantages[i + numEnvs]);

                advantages[i] = advantage;
                returns[i] = advantage + values[i];
            }
        }
    }

    /// <summary>
    /// Generalized advantage estimation: effectively computes
    /// <c>delta[t] = r[t] + gamma * Vnext[t] - V[t]</c> and
    /// <c>advantages[t] = delta[t] + gamma * lambda * (1 - done[t]) * advantages[t + 1]</c>, backward in time,
    /// then <c>returns = advantages + values</c>. The same bits as <see cref="GaeReference"/>, a row of environments
    /// at a time through <see cref="AdvantageKernels.GaeRow"/>.
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
            AdvantageKernels.GaeRow(
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
}
