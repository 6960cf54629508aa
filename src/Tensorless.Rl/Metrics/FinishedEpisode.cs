namespace Tensorless.Rl.Metrics;

/// <summary>
/// An episode that finished during training or, in a long run's <see cref="EpisodeStatistics.History"/>, a block of
/// <see cref="Count"/> consecutive finished episodes merged to keep the history bounded.
/// </summary>
/// <param name="EnvSteps">Environment steps (summed over environments) at the end of the step in which it (a block: its last episode) finished.</param>
/// <param name="Env">Index of the environment it (a block: its last episode) ran in.</param>
/// <param name="Return">Undiscounted sum of its rewards; for a block, the mean of its episodes' returns.</param>
/// <param name="Length">Number of steps; for a block, the steps of all its episodes together.</param>
/// <param name="Truncated">Whether it (a block: its last episode) ended by truncation (a time limit) rather than termination.</param>
/// <param name="Count">How many episodes it stands for: 1 for a single episode.</param>
public readonly record struct FinishedEpisode(long EnvSteps, int Env, double Return, int Length, bool Truncated, int Count = 1)
{
    /// <summary>Mean steps per episode: <see cref="Length"/> / <see cref="Count"/>.</summary>
    public double MeanLength => (double)Length / Count;

    /// <summary>
    /// This block followed by <paramref name="later"/> as one block: the count-weighted mean return, the summed steps and
    /// the later block's end.
    /// </summary>
    internal FinishedEpisode Merge(FinishedEpisode later)
    {
        int count = Count + later.Count;
        double mean = ((Return * Count) + (later.Return * later.Count)) / count;
        // saturates rather than wraps: a block reaches int.MaxValue steps only after some 10^12 steps of training
        int length = (int)Math.Min((long)Length + later.Length, int.MaxValue);
        return new FinishedEpisode(later.EnvSteps, later.Env, mean, length, later.Truncated, count);
    }
}
