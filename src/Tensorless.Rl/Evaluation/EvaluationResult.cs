namespace Tensorless.Rl.Evaluation;

/// <summary>Returns and lengths of evaluation episodes, with their summary statistics.</summary>
public sealed record EvaluationResult
{
    /// <summary>Builds the summary of the given episodes.</summary>
    /// <exception cref="ArgumentException">No episodes, or the lists differ in length.</exception>
    public EvaluationResult(IReadOnlyList<double> returns, IReadOnlyList<int> lengths, double? successThreshold)
    {
        ArgumentNullException.ThrowIfNull(returns);
        ArgumentNullException.ThrowIfNull(lengths);
        if (returns.Count == 0 || returns.Count != lengths.Count)
        {
            throw new ArgumentException($"Need at least one episode and as many lengths as returns; got {returns.Count} and {lengths.Count}.", nameof(returns));
        }

        Returns = [.. returns];
        Lengths = [.. lengths];
        MeanReturn = returns.Average();
        double sumSquares = 0;
        foreach (double r in returns)
        {
            sumSquares += (r - MeanReturn) * (r - MeanReturn);
        }

        StdReturn = Math.Sqrt(sumSquares / returns.Count);
        MinReturn = returns.Min();
        MaxReturn = returns.Max();
        MeanLength = lengths.Average();
        SuccessThreshold = successThreshold;
        SuccessRate = successThreshold is double t ? (double)returns.Count(r => r >= t) / returns.Count : null;
    }

    /// <summary>Number of episodes.</summary>
    public int Episodes => Returns.Count;

    /// <summary>Mean undiscounted return.</summary>
    public double MeanReturn { get; }

    /// <summary>Population standard deviation of the returns (divides by N, as NumPy's <c>std</c> and SB3 report it).</summary>
    public double StdReturn { get; }

    /// <summary>Lowest return.</summary>
    public double MinReturn { get; }

    /// <summary>Highest return.</summary>
    public double MaxReturn { get; }

    /// <summary>Mean episode length in steps.</summary>
    public double MeanLength { get; }

    /// <summary>The return that counted as a success, if one was given.</summary>
    public double? SuccessThreshold { get; }

    /// <summary>Fraction of episodes with return at least <see cref="SuccessThreshold"/>; null without a threshold.</summary>
    public double? SuccessRate { get; }

    /// <summary>Each episode's return, in episode order.</summary>
    public IReadOnlyList<double> Returns { get; }

    /// <summary>Each episode's length, in episode order.</summary>
    public IReadOnlyList<int> Lengths { get; }
}
