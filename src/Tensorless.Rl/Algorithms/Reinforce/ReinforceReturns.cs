namespace Tensorless.Rl.Algorithms;

/// <summary>
/// The two passes over a rollout that REINFORCE adds to the shared Monte Carlo estimator
/// (<see cref="Advantages.AdvantageEstimators.MonteCarlo"/>, which gives the reward-to-go): which steps belong to an
/// episode that ends inside the rollout, and Williams' whole-episode return for every step. Layout is the buffer's,
/// time-major: sample <c>(t, env)</c> at <c>t * numEnvs + env</c>. Both allocate nothing.
/// </summary>
internal static class ReinforceReturns
{
    /// <summary>
    /// Effectively computes <c>used[t, e] = 1</c> when env e's episode that step t belongs to ends (terminated or
    /// truncated) at some step t' &gt;= t of this rollout, else 0: the steps whose Monte Carlo return is complete
    /// without a critic. Returns how many steps are used.
    /// </summary>
    public static int MarkEndedEpisodes(ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, int numEnvs, Span<double> used)
    {
        int count = 0;
        for (int e = 0; e < numEnvs; e++)
        {
            bool ended = false;
            for (int i = used.Length - numEnvs + e; i >= 0; i -= numEnvs)
            {
                ended |= terminated[i] || truncated[i];
                used[i] = ended ? 1.0 : 0.0;
                count += ended ? 1 : 0;
            }
        }

        return count;
    }

    /// <summary>
    /// Williams' whole-episode return for every step: <c>R = sum_k gamma^k r_k</c> over the step's whole episode,
    /// counted from the episode's first step even when that step was in an earlier rollout. Effectively, for an episode
    /// that starts at row s of this rollout <c>R = returnsToGo[s]</c>; for the episode each env is in at row 0,
    /// <c>R = carryReturn[e] + carryDiscount[e] * returnsToGo[0, e]</c>, where the carry holds that episode's discounted
    /// rewards before this rollout and gamma^(its steps so far). Afterwards the carry holds the same for the episode
    /// still running at the rollout end (0 and 1 when the last step ended an episode).
    /// </summary>
    /// <param name="rewards">Rewards, time-major.</param>
    /// <param name="returnsToGo">The reward-to-go G_t (with whatever bootstraps the caller chose), same shape.</param>
    /// <param name="terminated">Terminated flags, same shape.</param>
    /// <param name="truncated">Truncated flags, same shape.</param>
    /// <param name="gamma">Discount factor.</param>
    /// <param name="carryReturn">Per env: discounted rewards of the running episode before this rollout; updated.</param>
    /// <param name="carryDiscount">Per env: gamma^(steps of the running episode before this rollout); updated.</param>
    /// <param name="destination">R of each step's episode, same shape as <paramref name="rewards"/>.</param>
    public static void WholeEpisodeReturns(
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<double> returnsToGo,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        double gamma,
        Span<double> carryReturn,
        Span<double> carryDiscount,
        Span<double> destination)
    {
        int n = carryReturn.Length;
        for (int e = 0; e < n; e++)
        {
            // prefix: the episode's discounted rewards so far; discount: gamma^(its length so far)
            double prefix = carryReturn[e], discount = carryDiscount[e];
            double episodeReturn = prefix + discount * returnsToGo[e];
            bool ended = false;
            for (int i = e; i < rewards.Length; i += n)
            {
                if (ended)
                {
                    // a new episode starts at this step: R is its return-to-go from here
                    prefix = 0;
                    discount = 1;
                    episodeReturn = returnsToGo[i];
                }

                destination[i] = episodeReturn;
                prefix += discount * rewards[i];
                discount *= gamma;
                ended = terminated[i] || truncated[i];
            }

            carryReturn[e] = ended ? 0.0 : prefix;
            carryDiscount[e] = ended ? 1.0 : discount;
        }
    }
}
