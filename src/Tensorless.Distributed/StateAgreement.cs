using System.Globalization;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Normalization;

namespace Tensorless.Distributed;

/// <summary>
/// Checks that every rank holds the same learning state as rank 0: parameters, optimizer state, normaliser moments and
/// the algorithm's extra state (PPO's penalty beta). Data-parallel ranks apply the same averaged step, so these agree bit
/// for bit all along; a resumed run loads them from each rank's own checkpoint, and this check (issue 14) is what catches
/// a checkpoint from another run, another update or another rank count before a single step is taken on it.
/// </summary>
public static class StateAgreement
{
    /// <summary>
    /// Compares this rank's state with rank 0's, bit for bit (rank 0 broadcasts its values; each rank reports the first
    /// part that differs; one all-reduce tells every rank). Call on every rank.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// Some rank differs; on every rank the message names each such rank and the first tensor that differs.
    /// </exception>
    public static void Verify(IOnPolicyAlgorithm agent, ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(communicator);
        var parts = Parts(agent);
        int total = parts.Sum(p => p.Values.Length);
        var report = new double[communicator.Size];

        // first the layout: a broadcast of a different length is an MPI error, not a comparison
        Span<double> length = [total, parts.Count];
        communicator.Broadcast(length, 0);
        if (length[0] != total || length[1] != parts.Count)
        {
            report[communicator.Rank] = -1;
        }

        communicator.AllReduceSum(report);
        if (report.Any(r => r != 0))
        {
            var ranks = Enumerable.Range(0, report.Length).Where(r => report[r] != 0);
            throw new InvalidDataException(
                $"The ranks do not hold the same state: rank{(ranks.Count() == 1 ? "" : "s")} {string.Join(", ", ranks)} {(ranks.Count() == 1 ? "has" : "have")} a different set of tensors than rank 0 (another algorithm or network).");
        }

        var flat = new double[total];
        int at = 0;
        foreach (var (_, values) in parts)
        {
            values.CopyTo(flat, at);
            at += values.Length;
        }

        var root = (double[])flat.Clone();
        communicator.Broadcast(root, 0);
        string? local = null;
        at = 0;
        Array.Clear(report);
        for (int k = 0; k < parts.Count && local is null; k++)
        {
            var (name, values) = parts[k];
            for (int i = 0; i < values.Length; i++)
            {
                // bits, not ==: NaN must equal NaN and -0 must differ from +0, as a copied checkpoint would
                if (BitConverter.DoubleToInt64Bits(flat[at + i]) != BitConverter.DoubleToInt64Bits(root[at + i]))
                {
                    report[communicator.Rank] = k + 1;
                    local = string.Create(CultureInfo.InvariantCulture, $" (here, rank {communicator.Rank}: {name}[{i}] = {flat[at + i]:R}, rank 0 has {root[at + i]:R})");
                    break;
                }
            }

            at += values.Length;
        }

        communicator.AllReduceSum(report);
        var differing = Enumerable.Range(0, report.Length).Where(r => report[r] != 0).ToList();
        if (differing.Count > 0)
        {
            string which = string.Join("; ", differing.Select(r => $"rank {r}'s {parts[(int)report[r] - 1].Name}"));
            throw new InvalidDataException(
                $"The ranks do not hold the same parameters and optimizer state as rank 0: {which} differs{local}. Every rank must resume from the checkpoints of the same run at the same update.");
        }
    }

    /// <summary>The compared state, named as checkpoints name it, in a fixed order.</summary>
    private static List<(string Name, double[] Values)> Parts(IOnPolicyAlgorithm agent)
    {
        var parts = new List<(string Name, double[] Values)>();
        foreach (var p in agent.Policy.Parameters)
        {
            parts.Add((p.Name, p.Data.ToArray()));
        }

        foreach (var (role, optimizer) in agent.Optimizers)
        {
            foreach (var (key, values) in optimizer.ExportState().OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                parts.Add(($"{role}.{key}", values));
            }
        }

        var learner = agent.Learner;
        if (learner.ObservationNormalizer is { } obs)
        {
            AddMoments(parts, "obs_rms", obs.Statistics);
        }

        if (learner.RewardScaler is { } rewards)
        {
            AddMoments(parts, "ret_rms", rewards.Statistics);
        }

        var extra = new SortedDictionary<string, double>(StringComparer.Ordinal);
        agent.SaveExtraState(extra);
        foreach (var (key, value) in extra)
        {
            parts.Add(($"algorithm_state.{key}", [value]));
        }

        return parts;
    }

    private static void AddMoments(List<(string Name, double[] Values)> parts, string prefix, RunningMeanStd statistics)
    {
        parts.Add(($"{prefix}.mean", statistics.Mean.ToArray()));
        parts.Add(($"{prefix}.var", statistics.Variance.ToArray()));
        parts.Add(($"{prefix}.count", [statistics.Count]));
    }
}
