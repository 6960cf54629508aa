using System.Text;
using Tensorless.Autodiff.Nn;
using Tensorless.Autodiff.Serialization;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Normalization;

namespace Tensorless.Rl.Checkpoints;

/// <summary>
/// The tensors of <c>model.safetensors</c>: the policy's parameters under their own names and PyTorch shapes; each
/// optimizer's state as <c>optimizer.exp_avg.actor.0.weight</c>, <c>optimizer.step</c> (the optimizer's own prefix, e.g.
/// <c>adam</c>, replaced by its role); normaliser statistics as <c>obs_rms.mean</c>, <c>ret_rms.var</c>; and the
/// rollout state a resume needs (<c>reward_scaler.returns</c>, <c>collector.*</c>, <c>episodes.*</c>).
/// </summary>
internal static class CheckpointTensors
{
    public const string History = "episodes.history";
    // env steps, env, return, length, truncated, count (episodes a merged block stands for); files written before
    // histories were bounded have the first five only, every row one episode
    private const int HistoryColumns = 6;
    private const int LegacyHistoryColumns = 5;

    /// <summary>Everything <see cref="Checkpoint.Save"/> writes for <paramref name="agent"/>, values copied.</summary>
    public static List<SafetensorsTensor> Collect(IOnPolicyAlgorithm agent)
    {
        var learner = agent.Learner;
        var policy = agent.Policy;
        int n = learner.Env.NumEnvs, obs = learner.Env.ObservationSize;
        var tensors = ModuleCheckpoint.ToTensors(policy.Parameters);
        foreach (var (role, optimizer) in agent.Optimizers)
        {
            foreach (var (key, values) in optimizer.ExportState())
            {
                tensors.Add(new SafetensorsTensor(OptimizerName(role, key), OptimizerShape(policy.Parameters, key, values.Length), values));
            }
        }

        if (learner.ObservationNormalizer is { } normalizer)
        {
            AddStatistics(tensors, normalizer.State);
        }

        if (learner.RewardScaler is { } scaler)
        {
            AddStatistics(tensors, scaler.State);
            tensors.Add(new SafetensorsTensor("reward_scaler.returns", [n], scaler.RunningReturns.ToArray()));
        }

        var collector = learner.Collector;
        tensors.Add(new SafetensorsTensor("collector.raw_observations", [n, obs], collector.RawObservations.ToArray()));
        tensors.Add(new SafetensorsTensor("collector.observations", [n, obs], collector.CurrentObservations.ToArray()));
        var episodes = collector.Episodes;
        tensors.Add(new SafetensorsTensor("episodes.returns", [n], episodes.CurrentReturns.ToArray()));
        tensors.Add(new SafetensorsTensor("episodes.lengths", [n], ToDoubles(episodes.CurrentLengths)));
        tensors.Add(new SafetensorsTensor("episodes.ring_returns", [episodes.Window], episodes.RingReturns.ToArray()));
        tensors.Add(new SafetensorsTensor("episodes.ring_lengths", [episodes.Window], ToDoubles(episodes.RingLengths)));
        var history = episodes.History;
        var rows = new double[history.Count * HistoryColumns];
        for (int i = 0; i < history.Count; i++)
        {
            var e = history[i];
            int at = i * HistoryColumns;
            (rows[at], rows[at + 1], rows[at + 2], rows[at + 3], rows[at + 4], rows[at + 5]) = (e.EnvSteps, e.Env, e.Return, e.Length, e.Truncated ? 1 : 0, e.Count);
        }

        tensors.Add(new SafetensorsTensor(History, [history.Count, HistoryColumns], rows));
        return tensors;
    }

    /// <summary>
    /// Checks <paramref name="file"/> against the tensors <paramref name="agent"/> would save: every name present with its
    /// shape, no others, counts that are whole numbers, statistics and step counts in range. Reports every problem at once.
    /// </summary>
    /// <exception cref="InvalidDataException">Something does not match; the message starts with <paramref name="path"/>.</exception>
    public static void Validate(string path, SafetensorsFile file, IOnPolicyAlgorithm agent)
    {
        var problems = new StringBuilder();
        var expected = Collect(agent);
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var e in expected)
        {
            names.Add(e.Name);
            if (!file.TryGet(e.Name, out var t))
            {
                problems.Append($" missing tensor '{e.Name}' {e.ShapeText};");
            }
            else if (e.Name == History ? t.Shape.Count != 2 || t.Shape[1] is not (HistoryColumns or LegacyHistoryColumns) : !t.HasShape(e.Shape))
            {
                problems.Append($" tensor '{e.Name}' has shape {t.ShapeText}, expected {(e.Name == History ? $"[k, {HistoryColumns}]" : e.ShapeText)};");
            }
            else
            {
                CheckValues(e.Name, t.Data, problems);
            }
        }

        foreach (var t in file.Tensors)
        {
            if (!names.Contains(t.Name))
            {
                problems.Append($" unexpected tensor '{t.Name}' {t.ShapeText} (this {agent.Algorithm} agent has no such state);");
            }
        }

        if (problems.Length > 0)
        {
            throw new InvalidDataException($"{path}: the checkpoint does not match the {agent.Algorithm} agent on {agent.EnvId}:{problems.ToString().TrimEnd(';')}.");
        }
    }

    /// <summary>Copies a validated file into the agent's parameters, optimizers, normalisers, collector and statistics.</summary>
    public static void Apply(SafetensorsFile file, IOnPolicyAlgorithm agent)
    {
        var learner = agent.Learner;
        ModuleCheckpoint.LoadInto(agent.Policy.Parameters, file, strict: false);
        foreach (var (role, optimizer) in agent.Optimizers)
        {
            var state = new Dictionary<string, double[]>(StringComparer.Ordinal);
            foreach (string key in optimizer.ExportState().Keys)
            {
                state[key] = file[OptimizerName(role, key)].Data;
            }

            optimizer.ImportState(state);
        }

        learner.ObservationNormalizer?.LoadState(Statistics(file, learner.ObservationNormalizer.State.Keys));
        if (learner.RewardScaler is { } scaler)
        {
            scaler.LoadState(Statistics(file, scaler.State.Keys));
            scaler.RestoreReturns(file["reward_scaler.returns"].Data);
        }
    }

    /// <summary>Restores the episode tracker from a validated file.</summary>
    public static void ApplyEpisodes(SafetensorsFile file, EpisodeStatistics episodes, long envSteps, long episodeCount)
    {
        var tensor = file[History];
        var rows = tensor.Data;
        int columns = tensor.Shape[1];
        var history = new List<FinishedEpisode>(rows.Length / columns);
        for (int i = 0; i < rows.Length; i += columns)
        {
            double count = columns == HistoryColumns ? rows[i + 5] : 1;
            if (!(count >= 1 && count <= int.MaxValue && Math.Floor(count) == count))
            {
                throw new InvalidDataException($"tensor '{History}' row {i / columns} stands for {count:R} episodes; a count must be a whole number of at least 1.");
            }

            history.Add(new FinishedEpisode((long)rows[i], (int)rows[i + 1], rows[i + 2], (int)rows[i + 3], rows[i + 4] != 0, (int)count));
        }

        episodes.Restore(envSteps, episodeCount, file["episodes.returns"].Data, ToInts(file["episodes.lengths"].Data),
            file["episodes.ring_returns"].Data, ToInts(file["episodes.ring_lengths"].Data), history);
    }

    /// <summary><c>adam.exp_avg.actor.0.weight</c> of the role <c>optimizer</c> is stored as <c>optimizer.exp_avg.actor.0.weight</c>.</summary>
    private static string OptimizerName(string role, string key) => role + key[key.IndexOf('.', StringComparison.Ordinal)..];

    /// <summary>A moment buffer takes its parameter's shape (as in PyTorch's state dict); other state is 1-D.</summary>
    private static int[] OptimizerShape(ParameterSet parameters, string key, int length)
    {
        string[] parts = key.Split('.', 3);
        if (parts.Length == 3 && parameters.TryGet(parts[2], out var p) && p.Length == length)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                if (ReferenceEquals(parameters[i], p))
                {
                    return [.. parameters.CheckpointShape(i)];
                }
            }
        }

        return [length];
    }

    private static void AddStatistics(List<SafetensorsTensor> tensors, IReadOnlyDictionary<string, double[]> state)
    {
        foreach (var (name, values) in state.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            tensors.Add(new SafetensorsTensor(name, [values.Length], values));
        }
    }

    private static Dictionary<string, double[]> Statistics(SafetensorsFile file, IEnumerable<string> names) =>
        names.ToDictionary(name => name, name => file[name].Data, StringComparer.Ordinal);

    /// <summary>Value checks that the loaders would otherwise make only after part of the agent had changed.</summary>
    private static void CheckValues(string name, double[] data, StringBuilder problems)
    {
        bool wholeCounts = name is "episodes.lengths" or "episodes.ring_lengths" || name.EndsWith(".step", StringComparison.Ordinal);
        foreach (double v in data)
        {
            bool bad = wholeCounts ? !(v >= 0 && v <= int.MaxValue && Math.Floor(v) == v)
                : name.EndsWith("_rms.var", StringComparison.Ordinal) ? !(v >= 0)
                : name.EndsWith("_rms.count", StringComparison.Ordinal) ? !(v > 0)
                : false;
            if (bad)
            {
                problems.Append($" tensor '{name}' holds {v:R}, which is not a valid value there;");
                return;
            }
        }
    }

    private static double[] ToDoubles(ReadOnlySpan<int> values)
    {
        var result = new double[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            result[i] = values[i];
        }

        return result;
    }

    private static int[] ToInts(double[] values) => Array.ConvertAll(values, v => (int)v);
}
