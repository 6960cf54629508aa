namespace Tensorless.Rl.Normalization;

/// <summary>
/// Reward scaling as Stable-Baselines3's <c>VecNormalize</c> (<c>norm_reward</c>): each environment keeps a running
/// discounted return <c>R = gamma * R + r</c>; the variance of those returns is tracked with a
/// <see cref="RunningMeanStd"/> and each reward is divided by <c>sqrt(var + epsilon)</c> and clipped. The running
/// return restarts at 0 after an episode ends (terminated or truncated). The mean is not subtracted, so the sign of
/// rewards is kept.
/// </summary>
public sealed class RewardScaler : IStatefulStatistics
{
    private readonly RunningMeanStd _statistics = new(1, statePrefix: "ret_rms");
    private readonly double[] _returns;

    /// <summary>Creates a scaler for <paramref name="numEnvs"/> environments.</summary>
    /// <param name="numEnvs">Number of environments, at least 1.</param>
    /// <param name="gamma">Discount of the running return (the learner's gamma), in [0, 1].</param>
    /// <param name="clip">Clip bound of the scaled reward (SB3 <c>clip_reward</c>: 10), positive.</param>
    /// <param name="epsilon">Added to the variance before the square root (SB3: 1e-8), non-negative.</param>
    /// <exception cref="ArgumentOutOfRangeException">A parameter is out of range.</exception>
    public RewardScaler(int numEnvs, double gamma, double clip = 10.0, double epsilon = 1e-8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        if (!(gamma >= 0.0 && gamma <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(gamma), gamma, "gamma must lie in [0, 1].");
        }

        if (!(clip > 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(clip), clip, "clip must be positive.");
        }

        if (!(epsilon >= 0.0))
        {
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be non-negative.");
        }

        _returns = new double[numEnvs];
        Gamma = gamma;
        Clip = clip;
        Epsilon = epsilon;
    }

    /// <summary>Whether <see cref="Scale"/> updates the return statistics.</summary>
    public bool Training { get; set; } = true;

    /// <summary>Discount of the running return.</summary>
    public double Gamma { get; }

    /// <summary>Clip bound of the scaled reward.</summary>
    public double Clip { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public double Epsilon { get; }

    /// <summary>Number of environments.</summary>
    public int NumEnvs => _returns.Length;

    /// <summary>The running discounted return of each environment.</summary>
    public ReadOnlySpan<double> RunningReturns => _returns;

    /// <summary>The statistics of the running returns.</summary>
    public RunningMeanStd Statistics => _statistics;

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, double[]> State => _statistics.State;

    /// <summary>
    /// Scales one step of rewards: updates the running returns (and, while <see cref="Training"/>, their
    /// statistics), writes <c>clip(r / sqrt(var + epsilon), -clip, clip)</c>, then restarts the running return of
    /// every environment whose episode ended. <paramref name="destination"/> may alias <paramref name="rewards"/>.
    /// </summary>
    /// <param name="rewards">Raw rewards, one per environment.</param>
    /// <param name="terminated">Terminated flags, one per environment.</param>
    /// <param name="truncated">Truncated flags, one per environment.</param>
    /// <param name="destination">Scaled rewards, one per environment.</param>
    /// <exception cref="ArgumentException">A span does not have <see cref="NumEnvs"/> elements.</exception>
    public void Scale(ReadOnlySpan<double> rewards, ReadOnlySpan<bool> terminated, ReadOnlySpan<bool> truncated, Span<double> destination)
    {
        int n = NumEnvs;
        Check(rewards.Length, n, nameof(rewards));
        Check(terminated.Length, n, nameof(terminated));
        Check(truncated.Length, n, nameof(truncated));
        Check(destination.Length, n, nameof(destination));
        for (int e = 0; e < n; e++)
        {
            _returns[e] = (_returns[e] * Gamma) + rewards[e];
        }

        if (Training)
        {
            _statistics.Update(_returns);
        }

        double scale = Math.Sqrt(_statistics.Variance[0] + Epsilon);
        for (int e = 0; e < n; e++)
        {
            destination[e] = Math.Clamp(rewards[e] / scale, -Clip, Clip);
            if (terminated[e] || truncated[e])
            {
                _returns[e] = 0.0;
            }
        }
    }

    /// <summary>Scales rewards with the current statistics without touching the running returns or statistics.</summary>
    /// <param name="rewards">Raw rewards.</param>
    /// <param name="destination">Scaled rewards, same length; may alias <paramref name="rewards"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public void ScaleWithoutUpdate(ReadOnlySpan<double> rewards, Span<double> destination)
    {
        Check(destination.Length, rewards.Length, nameof(destination));
        double scale = Math.Sqrt(_statistics.Variance[0] + Epsilon);
        for (int i = 0; i < rewards.Length; i++)
        {
            destination[i] = Math.Clamp(rewards[i] / scale, -Clip, Clip);
        }
    }

    /// <summary>Restarts every running return at 0 (after the vector env is reset).</summary>
    public void ResetReturns() => Array.Clear(_returns);

    /// <summary>Restores the running returns (checkpoint resume); <see cref="State"/> covers only the statistics.</summary>
    internal void RestoreReturns(ReadOnlySpan<double> returns)
    {
        Check(returns.Length, NumEnvs, nameof(returns));
        returns.CopyTo(_returns);
    }

    /// <inheritdoc/>
    public void LoadState(IReadOnlyDictionary<string, double[]> state) => _statistics.LoadState(state);

    private static void Check(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
        }
    }
}
