namespace Tensorless.Rl.Training;

/// <summary>
/// Batch means of an update's diagnostics, accumulated chunk by chunk: each chunk adds its own mean times its share of
/// the rows, so the sums are means over the whole batch whatever the chunking.
/// </summary>
public struct UpdateStats
{
    /// <summary>The total loss that was differentiated.</summary>
    public double Loss;

    /// <summary>The policy term (surrogate, or -A log pi).</summary>
    public double PolicyLoss;

    /// <summary>The value term (MSE to the returns).</summary>
    public double ValueLoss;

    /// <summary>Mean entropy of the action distribution.</summary>
    public double Entropy;

    /// <summary>Approximate KL(old || new), <c>mean((r - 1) - log r)</c>.</summary>
    public double ApproxKl;

    /// <summary>Fraction of ratios outside the clip range.</summary>
    public double ClipFraction;

    /// <summary>Adds <paramref name="other"/> field by field.</summary>
    public void Add(in UpdateStats other)
    {
        Loss += other.Loss;
        PolicyLoss += other.PolicyLoss;
        ValueLoss += other.ValueLoss;
        Entropy += other.Entropy;
        ApproxKl += other.ApproxKl;
        ClipFraction += other.ClipFraction;
    }
}
