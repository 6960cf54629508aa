namespace Tensorless.Rl.Normalization;

/// <summary>
/// Running per-feature mean and (population) variance over batches, merged with the parallel algorithm of Chan et
/// al. as Stable-Baselines3's <c>RunningMeanStd</c> does: mean starts at 0, variance at 1 and the count at a small
/// epsilon (1e-4) so the first batch dominates without a division by zero.
/// </summary>
public sealed class RunningMeanStd : IStatefulStatistics
{
    private readonly double[] _mean;
    private readonly double[] _variance;
    private readonly double[] _batchMean;
    private readonly double[] _batchM2;
    private readonly string _prefix;

    /// <summary>Creates statistics for vectors of <paramref name="size"/> features.</summary>
    /// <param name="size">Number of features, at least 1.</param>
    /// <param name="epsilon">Initial count (SB3: 1e-4), positive.</param>
    /// <param name="statePrefix">Prefix of the names in <see cref="State"/>, e.g. <c>obs_rms</c> gives <c>obs_rms.mean</c>.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is less than 1 or <paramref name="epsilon"/> is not positive.</exception>
    public RunningMeanStd(int size, double epsilon = 1e-4, string statePrefix = "rms")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        if (!(epsilon > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon (the initial count) must be positive.");
        }

        ArgumentException.ThrowIfNullOrEmpty(statePrefix);
        _prefix = statePrefix;
        _mean = new double[size];
        _variance = new double[size];
        _batchMean = new double[size];
        _batchM2 = new double[size];
        Array.Fill(_variance, 1.0);
        Count = epsilon;
    }

    /// <summary>Number of features.</summary>
    public int Size => _mean.Length;

    /// <summary>Running mean per feature.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>Running population variance per feature.</summary>
    public ReadOnlySpan<double> Variance => _variance;

    /// <summary>Number of samples seen, plus the initial epsilon.</summary>
    public double Count { get; private set; }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double[]> State => new Dictionary<string, double[]>
    {
        [_prefix + ".mean"] = (double[])_mean.Clone(),
        [_prefix + ".var"] = (double[])_variance.Clone(),
        [_prefix + ".count"] = [Count],
    };

    /// <summary>
    /// Merges a batch of rows (<c>rows * Size</c> values, row-major) into the statistics. The batch's mean and
    /// variance are computed with two passes; an empty batch changes nothing.
    /// </summary>
    /// <param name="batch">Row-major batch whose length is a multiple of <see cref="Size"/>.</param>
    /// <exception cref="ArgumentException">The length is not a multiple of <see cref="Size"/>.</exception>
    public void Update(ReadOnlySpan<double> batch)
    {
        int d = Size;
        if (batch.Length % d != 0)
        {
            throw new ArgumentException($"batch has length {batch.Length}; expected a multiple of Size = {d}.", nameof(batch));
        }

        int rows = batch.Length / d;
        if (rows == 0)
        {
            return;
        }

        Array.Clear(_batchMean);
        Array.Clear(_batchM2);
        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<double> row = batch.Slice(r * d, d);
            for (int j = 0; j < d; j++)
            {
                _batchMean[j] += row[j];
            }
        }

        for (int j = 0; j < d; j++)
        {
            _batchMean[j] /= rows;
        }

        for (int r = 0; r < rows; r++)
        {
            ReadOnlySpan<double> row = batch.Slice(r * d, d);
            for (int j = 0; j < d; j++)
            {
                double diff = row[j] - _batchMean[j];
                _batchM2[j] += diff * diff;
            }
        }

        // Chan et al.: M2 = M2_a + M2_b + delta^2 * n_a * n_b / (n_a + n_b).
        double count = Count;
        double total = count + rows;
        for (int j = 0; j < d; j++)
        {
            double delta = _batchMean[j] - _mean[j];
            double m2 = (_variance[j] * count) + _batchM2[j] + (delta * delta * count * rows / total);
            _mean[j] += delta * rows / total;
            _variance[j] = m2 / total;
        }

        Count = total;
    }

    /// <summary>Replaces the moments (data-parallel training sets the moments merged over its ranks, issue 14).</summary>
    /// <exception cref="ArgumentException">A length differs from <see cref="Size"/>, a variance is negative or the count is not positive.</exception>
    public void SetMoments(ReadOnlySpan<double> mean, ReadOnlySpan<double> variance, double count)
    {
        if (mean.Length != Size || variance.Length != Size)
        {
            throw new ArgumentException($"mean and variance must have {Size} values.");
        }

        LoadState(new Dictionary<string, double[]>
        {
            [_prefix + ".mean"] = mean.ToArray(),
            [_prefix + ".var"] = variance.ToArray(),
            [_prefix + ".count"] = [count],
        });
    }

    /// <inheritdoc/>
    public void LoadState(IReadOnlyDictionary<string, double[]> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        double[] mean = StateArrays.Get(state, _prefix + ".mean", Size);
        double[] variance = StateArrays.Get(state, _prefix + ".var", Size);
        double[] count = StateArrays.Get(state, _prefix + ".count", 1);
        foreach (double v in variance)
        {
            if (!(v >= 0.0))
            {
                throw new ArgumentException($"{_prefix}.var holds {v}; a variance must be non-negative.", nameof(state));
            }
        }

        if (!(count[0] > 0.0))
        {
            throw new ArgumentException($"{_prefix}.count holds {count[0]}; the count must be positive.", nameof(state));
        }

        mean.CopyTo(_mean, 0);
        variance.CopyTo(_variance, 0);
        Count = count[0];
    }
}
