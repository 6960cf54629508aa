namespace Tensorless.Rl.Metrics;

/// <summary>
/// Tracks real episode returns and lengths across a vector env: a running return and length per environment, and a
/// ring of the last <see cref="Window"/> finished episodes (SB3's <c>ep_info_buffer</c>, 100 by default). Feed it the
/// raw rewards, before any <see cref="Normalization.RewardScaler"/>: the seeds logged a bootstrapped, per-rollout ratio instead
/// (DESIGN.md, slip 5), which is not an episode return.
/// </summary>
public sealed class EpisodeStatistics
{
    private readonly double[] _returns;
    private readonly int[] _lengths;
    private readonly double[] _ringReturns;
    private readonly int[] _ringLengths;
    private readonly List<FinishedEpisode>? _history;

    /// <summary>Entries <see cref="History"/> holds at most by default: enough points for a curve, a few hundred KB at most.</summary>
    public const int DefaultHistoryCapacity = 4096;

    /// <summary>Creates a tracker.</summary>
    /// <param name="numEnvs">Number of environments, at least 1.</param>
    /// <param name="window">How many recent episodes the means cover, at least 1 (SB3: 100).</param>
    /// <param name="keepHistory">Whether to keep the finished episodes in <see cref="History"/> (for learning curves).</param>
    /// <param name="historyCapacity">Most entries <see cref="History"/> holds, even and at least 2; when full, pairs merge.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numEnvs"/> or <paramref name="window"/> is less than 1, or <paramref name="historyCapacity"/> is odd or less than 2.</exception>
    public EpisodeStatistics(int numEnvs, int window = 100, bool keepHistory = false, int historyCapacity = DefaultHistoryCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(window, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(historyCapacity, 2);
        if (historyCapacity % 2 != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(historyCapacity), historyCapacity, "historyCapacity must be even (full histories merge in pairs).");
        }

        HistoryCapacity = historyCapacity;
        _returns = new double[numEnvs];
        _lengths = new int[numEnvs];
        _ringReturns = new double[window];
        _ringLengths = new int[window];
        _history = keepHistory ? new List<FinishedEpisode>(Math.Min(historyCapacity, 256)) : null;
    }

    /// <summary>Most entries <see cref="History"/> holds.</summary>
    public int HistoryCapacity { get; }

    /// <summary>Number of environments.</summary>
    public int NumEnvs => _returns.Length;

    /// <summary>Capacity of the ring of recent episodes.</summary>
    public int Window => _ringReturns.Length;

    /// <summary>Environment steps recorded so far (summed over environments).</summary>
    public long EnvSteps { get; private set; }

    /// <summary>Episodes finished so far.</summary>
    public long EpisodeCount { get; private set; }

    /// <summary>Episodes in the ring: <c>min(EpisodeCount, Window)</c>.</summary>
    public int WindowCount => (int)Math.Min(EpisodeCount, Window);

    /// <summary>Mean return of the episodes in the ring; NaN before the first episode ends.</summary>
    public double MeanReturn => Mean(_ringReturns);

    /// <summary>
    /// Mean return of the <paramref name="count"/> most recently finished episodes (at most <see cref="WindowCount"/>);
    /// NaN before the first episode ends. With the whole ring it equals <see cref="MeanReturn"/> bit for bit.
    /// </summary>
    /// <param name="count">How many recent episodes, at least 1.</param>
    /// <returns>The mean.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is less than 1.</exception>
    public double MeanReturnOfLast(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int available = WindowCount;
        if (count >= available)
        {
            return MeanReturn;
        }

        double sum = 0.0;
        for (int k = 1; k <= count; k++)
        {
            sum += _ringReturns[(int)((EpisodeCount - k) % Window)];
        }

        return sum / count;
    }

    /// <summary>Mean length of the episodes in the ring; NaN before the first episode ends.</summary>
    public double MeanLength
    {
        get
        {
            int count = WindowCount;
            if (count == 0)
            {
                return double.NaN;
            }

            long sum = 0;
            for (int i = 0; i < count; i++)
            {
                sum += _ringLengths[i];
            }

            return (double)sum / count;
        }
    }

    /// <summary>The running (unfinished) return of each environment.</summary>
    public ReadOnlySpan<double> CurrentReturns => _returns;

    /// <summary>The running (unfinished) length of each environment.</summary>
    public ReadOnlySpan<int> CurrentLengths => _lengths;

    /// <summary>
    /// The finished episodes in order, when created with <c>keepHistory</c>; otherwise empty. Memory stays flat over
    /// arbitrarily long runs: up to <see cref="HistoryCapacity"/> episodes are kept one by one; when the history is full,
    /// neighbouring entries merge in pairs (<see cref="FinishedEpisode.Count"/> doubles, the return is the block's mean)
    /// and later episodes gather into blocks of the same size. Every episode is counted in exactly one entry, so the
    /// count-weighted returns keep the curve's rolling mean, and the last entry always ends at the latest episode.
    /// </summary>
    public IReadOnlyList<FinishedEpisode> History => (IReadOnlyList<FinishedEpisode>?)_history ?? [];

    /// <summary>
    /// Records one vector-env step: adds each reward to its environment's running return and, where the episode
    /// ended (terminated or truncated), moves it into the ring and restarts the running values.
    /// </summary>
    /// <param name="rewards">Raw rewards, one per environment.</param>
    /// <param name="terminated">Terminated flags, one per environment.</param>
    /// <param name="truncated">Truncated flags, one per environment.</param>
    /// <returns>How many episodes finished in this step.</returns>
    /// <exception cref="ArgumentException">A span does not have <see cref="NumEnvs"/> elements.</exception>
    public int Record(ReadOnlySpan<double> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated)
    {
        int n = NumEnvs;
        Check(rewards.Length, n, nameof(rewards));
        Check(terminated.Length, n, nameof(terminated));
        Check(truncated.Length, n, nameof(truncated));
        EnvSteps += n;
        int finished = 0;
        for (int e = 0; e < n; e++)
        {
            _returns[e] += rewards[e];
            _lengths[e]++;
            if (terminated[e] || truncated[e])
            {
                int slot = (int)(EpisodeCount % Window);
                _ringReturns[slot] = _returns[e];
                _ringLengths[slot] = _lengths[e];
                if (_history is not null)
                {
                    AddToHistory(new FinishedEpisode(EnvSteps, e, _returns[e], _lengths[e], !terminated[e]));
                }

                EpisodeCount++;
                finished++;
                _returns[e] = 0.0;
                _lengths[e] = 0;
            }
        }

        return finished;
    }

    /// <summary>Returns of the ring's slots, in slot order (checkpoints).</summary>
    internal ReadOnlySpan<double> RingReturns => _ringReturns;

    /// <summary>Lengths of the ring's slots, in slot order (checkpoints).</summary>
    internal ReadOnlySpan<int> RingLengths => _ringLengths;

    /// <summary>Whether finished episodes are kept in <see cref="History"/>.</summary>
    internal bool KeepsHistory => _history is not null;

    /// <summary>Replaces every counter, running value, ring slot and (when kept) the history: a checkpoint resume.</summary>
    internal void Restore(long envSteps, long episodeCount, ReadOnlySpan<double> returns, ReadOnlySpan<int> lengths,
        ReadOnlySpan<double> ringReturns, ReadOnlySpan<int> ringLengths, IEnumerable<FinishedEpisode> history)
    {
        Check(returns.Length, NumEnvs, nameof(returns));
        Check(lengths.Length, NumEnvs, nameof(lengths));
        Check(ringReturns.Length, Window, nameof(ringReturns));
        Check(ringLengths.Length, Window, nameof(ringLengths));
        EnvSteps = envSteps;
        EpisodeCount = episodeCount;
        returns.CopyTo(_returns);
        lengths.CopyTo(_lengths);
        ringReturns.CopyTo(_ringReturns);
        ringLengths.CopyTo(_ringLengths);
        if (_history is not null)
        {
            _history.Clear();
            foreach (var entry in history)
            {
                // a saved history is replayed block by block: the same entries when it fits, merged as Record would when not
                if (_history.Count == HistoryCapacity)
                {
                    MergePairs();
                }

                _history.Add(entry);
            }
        }
    }

    /// <summary>
    /// Adds one episode: into the last entry while it holds fewer episodes than the first (the current block size), else
    /// as a new entry, after merging pairs when the history is full.
    /// </summary>
    private void AddToHistory(FinishedEpisode episode)
    {
        var history = _history!;
        if (history.Count > 0 && history[^1].Count < history[0].Count)
        {
            history[^1] = history[^1].Merge(episode);
            return;
        }

        if (history.Count == HistoryCapacity)
        {
            MergePairs();
        }

        history.Add(episode);
    }

    /// <summary>Entries 2k and 2k + 1 become entry k: the history halves and every block doubles.</summary>
    private void MergePairs()
    {
        var history = _history!;
        int half = history.Count / 2;
        for (int k = 0; k < half; k++)
        {
            history[k] = history[2 * k].Merge(history[(2 * k) + 1]);
        }

        history.RemoveRange(half, history.Count - half);
    }

    /// <summary>Restarts every running return and length (after the vector env is reset); finished episodes are kept.</summary>
    public void ResetRunning()
    {
        Array.Clear(_returns);
        Array.Clear(_lengths);
    }

    private double Mean(double[] ring)
    {
        int count = WindowCount;
        if (count == 0)
        {
            return double.NaN;
        }

        double sum = 0.0;
        for (int i = 0; i < count; i++)
        {
            sum += ring[i];
        }

        return sum / count;
    }

    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
        }
    }
}
