namespace Tensorless.Rl.Normalization;

/// <summary>
/// Observation normalization as Stable-Baselines3's <c>VecNormalize</c>: running mean and variance per feature,
/// <c>clip((obs - mean) / sqrt(var + epsilon), -clip, clip)</c>, statistics updated only while
/// <see cref="Training"/> is true.
/// </summary>
public sealed class ObservationNormalizer : IStatefulStatistics
{
    private readonly RunningMeanStd _statistics;

    /// <summary>Creates a normalizer for observations of <paramref name="observationSize"/> features.</summary>
    /// <param name="observationSize">Features per observation, at least 1.</param>
    /// <param name="clip">Clip bound for the normalized values (SB3 <c>clip_obs</c>: 10), positive.</param>
    /// <param name="epsilon">Added to the variance before the square root (SB3: 1e-8), non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public ObservationNormalizer(int observationSize, double clip = 10.0, double epsilon = 1e-8)
    {
        if (!(clip > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be positive.");
        }

        if (!(epsilon >= 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be non-negative.");
        }

        _statistics = new RunningMeanStd(observationSize, statePrefix: "obs_rms");
        Clip = clip;
        Epsilon = epsilon;
    }

    /// <summary>Whether <see cref="Normalize"/> updates the statistics (true while training, false for evaluation).</summary>
    public bool Training { get; set; } = true;

    /// <summary>Clip bound of the normalized observation.</summary>
    public double Clip { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Features per observation.</summary>
    public int ObservationSize => _statistics.Size;

    /// <summary>The running statistics.</summary>
    public RunningMeanStd Statistics => _statistics;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double[]> State => _statistics.State;

    /// <summary>
    /// Normalizes a batch of observations (<c>rows * ObservationSize</c>, row-major). While <see cref="Training"/>,
    /// the statistics are first updated with the batch (SB3 order). <paramref name="destination"/> may be the same
    /// memory as <paramref name="observations"/>.
    /// </summary>
    /// <param name="observations">Raw observations.</param>
    /// <param name="destination">Normalized observations, same length.</param>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    public void Normalize(ReadOnlySpan<double> observations, Span<double> destination)
    {
        if (Training)
        {
            _statistics.Update(observations);
        }

        NormalizeWithoutUpdate(observations, destination);
    }

    /// <summary>
    /// Normalizes with the current statistics and never updates them: for final observations of truncated
    /// episodes (SB3 normalizes <c>terminal_observation</c> this way) and for evaluation.
    /// </summary>
    /// <param name="observations">Raw observations, a multiple of <see cref="ObservationSize"/>.</param>
    /// <param name="destination">Normalized observations, same length; may alias <paramref name="observations"/>.</param>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    public void NormalizeWithoutUpdate(ReadOnlySpan<double> observations, Span<double> destination)
    {
        int d = ObservationSize;
        if (observations.Length % d != 0)
        {
            throw new ArgumentException($"observations has length {observations.Length}; expected a multiple of {d}.", nameof(observations));
        }

        if (destination.Length != observations.Length)
        {
            throw new ArgumentException($"destination has length {destination.Length}; expected {observations.Length}.", nameof(destination));
        }

        ReadOnlySpan<double> mean = _statistics.Mean;
        ReadOnlySpan<double> variance = _statistics.Variance;
        for (int i = 0; i < observations.Length; i++)
        {
            int j = i % d;
            double z = (observations[i] - mean[j]) / Math.Sqrt(variance[j] + Epsilon);
            destination[i] = Math.Clamp(z, -Clip, Clip);
        }
    }

    /// <inheritdoc/>
    public void LoadState(IReadOnlyDictionary<string, double[]> state) => _statistics.LoadState(state);
}
