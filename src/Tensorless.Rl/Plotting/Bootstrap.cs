namespace Tensorless.Rl.Plotting;

/// <summary>
/// Percentile bootstrap of the mean: resample the values with replacement, take each resample's mean, and report the
/// (1 - level)/2 and (1 + level)/2 percentiles of those means (linear interpolation between order statistics, NumPy's
/// default). Seeded, so a chart's band is the same on every rebuild.
/// </summary>
public static class Bootstrap
{
    /// <summary>The percentile-bootstrap confidence interval of the mean of <paramref name="values"/>.</summary>
    /// <param name="values">The sample (e.g. one return per seed).</param>
    /// <param name="level">Confidence level in (0, 1), e.g. 0.95.</param>
    /// <param name="resamples">Number of resamples.</param>
    /// <param name="seed">Seed of the resampling.</param>
    /// <returns>The lower and upper bound; both the value itself for one value, NaN for none.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="level"/> is outside (0, 1) or <paramref name="resamples"/> is below 1.</exception>
    public static (double Lower, double Upper) MeanInterval(ReadOnlySpan<double> values, double level = 0.95, int resamples = 1000, int seed = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 1);
        var random = new Random(seed);
        int n = values.Length;
        var indices = new int[resamples][];
        for (int b = 0; b < resamples; b++)
        {
            indices[b] = new int[n];
            for (int i = 0; i < n; i++)
            {
                indices[b][i] = random.Next(n);
            }
        }

        return MeanInterval(values, level, indices);
    }

    /// <summary>The interval from given resamples (each an array of indices into <paramref name="values"/>): the reference a test works by hand.</summary>
    /// <param name="values">The sample.</param>
    /// <param name="level">Confidence level in (0, 1).</param>
    /// <param name="resampleIndices">One index array per resample.</param>
    /// <returns>The lower and upper percentile of the resample means.</returns>
    public static (double Lower, double Upper) MeanInterval(ReadOnlySpan<double> values, double level, IReadOnlyList<int[]> resampleIndices)
    {
        ArgumentNullException.ThrowIfNull(resampleIndices);
        if (!(level > 0 && level < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(level), level, "The confidence level must lie in (0, 1).");
        }

        if (values.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        if (values.Length == 1)
        {
            return (values[0], values[0]);
        }

        var means = new double[resampleIndices.Count];
        for (int b = 0; b < means.Length; b++)
        {
            double sum = 0;
            foreach (int i in resampleIndices[b])
            {
                sum += values[i];
            }

            means[b] = sum / resampleIndices[b].Length;
        }

        Array.Sort(means);
        return (Percentile(means, (1 - level) / 2), Percentile(means, (1 + level) / 2));
    }

    /// <summary>The q-quantile of sorted values, interpolating linearly between order statistics: position q (n - 1).</summary>
    /// <param name="sorted">Ascending values, at least one.</param>
    /// <param name="q">Quantile in [0, 1].</param>
    /// <returns>The quantile.</returns>
    public static double Percentile(ReadOnlySpan<double> sorted, double q)
    {
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        double position = q * (sorted.Length - 1);
        int below = (int)Math.Floor(position);
        int above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }
}
