using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Normalization;

namespace Tensorless.Distributed;

/// <summary>
/// Turns R learners, one per rank, into one data-parallel agent (issue 14): rank 0's parameters and normaliser moments
/// are broadcast at the start, then every minibatch step's gradient and diagnostics are averaged over the ranks and the
/// normaliser moments are merged after every rollout. Each rank collects its own envs with its own seed stream
/// (<see cref="RankSeed"/>).
/// </summary>
public static class DistributedTraining
{
    /// <summary>The registered algorithms whose every gradient goes through the shared runner, and so can train data-parallel.</summary>
    public static IReadOnlyList<string> SupportedAlgorithms => [.. AlgorithmRegistry.All.Where(e => e.SupportsDataParallel).Select(e => e.Name)];

    /// <summary>
    /// The seed of rank <paramref name="rank"/>'s envs, sampling and shuffling: rank 0 keeps <paramref name="seed"/>
    /// (so a 1-rank run is the plain run), rank r adds r times the 64-bit golden ratio, far from the seeds a sweep uses.
    /// </summary>
    public static ulong RankSeed(ulong seed, int rank)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        return unchecked(seed + ((ulong)rank * 0x9E3779B97F4A7C15UL));
    }

    /// <summary>
    /// Joins <paramref name="agent"/> to the group of <paramref name="communicator"/>: call on every rank after building
    /// the agent and before training. Returns the reducer it installed.
    /// </summary>
    /// <exception cref="NotSupportedException">The algorithm is not one of <see cref="SupportedAlgorithms"/>.</exception>
    public static CommunicatorReducer Attach(IOnPolicyAlgorithm agent, ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(communicator);
        if (!AlgorithmRegistry.TryGet(agent.Algorithm, out var entry) || !entry.SupportsDataParallel)
        {
            throw new NotSupportedException($"Data-parallel training supports {string.Join(", ", SupportedAlgorithms)}; {agent.Algorithm} computes its gradients elsewhere.");
        }

        var learner = agent.Learner;
        foreach (var p in learner.Policy.Parameters)
        {
            communicator.Broadcast(p.Data, 0);
        }

        var reducer = new CommunicatorReducer(communicator);
        if (learner.ObservationNormalizer is { } obs)
        {
            BroadcastMoments(obs.Statistics, communicator);
            reducer.Track(obs.Statistics);
        }

        if (learner.RewardScaler is { } rewards)
        {
            BroadcastMoments(rewards.Statistics, communicator);
            reducer.Track(rewards.Statistics);
        }

        learner.GradientReducer = reducer;
        return reducer;
    }

    private static void BroadcastMoments(RunningMeanStd statistics, ICommunicator communicator)
    {
        int d = statistics.Size;
        var packed = new double[(2 * d) + 1];
        statistics.Mean.CopyTo(packed);
        statistics.Variance.CopyTo(packed.AsSpan(d));
        packed[2 * d] = statistics.Count;
        communicator.Broadcast(packed, 0);
        statistics.SetMoments(packed.AsSpan(0, d), packed.AsSpan(d, d), packed[2 * d]);
    }
}
