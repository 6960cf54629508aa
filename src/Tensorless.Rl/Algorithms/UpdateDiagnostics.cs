namespace Tensorless.Rl.Algorithms;

/// <summary>Running means of the per-minibatch diagnostics of one update (losses, entropy, approx KL, clip fraction).</summary>
internal struct UpdateDiagnostics
{
    private double _policyLoss, _valueLoss, _entropy, _approxKl, _clipFraction;
    private int _policyCount, _valueCount;

    public void AddPolicy(double policyLoss, double entropy, double approxKl, double clipFraction)
    {
        _policyLoss += policyLoss;
        _entropy += entropy;
        _approxKl += approxKl;
        _clipFraction += clipFraction;
        _policyCount++;
    }

    public void AddValue(double valueLoss)
    {
        _valueLoss += valueLoss;
        _valueCount++;
    }

    public readonly void WriteTo(MetricsRecord m)
    {
        if (_policyCount > 0)
        {
            m.Set(MetricNames.PolicyLoss, _policyLoss / _policyCount);
            m.Set(MetricNames.Entropy, _entropy / _policyCount);
            m.Set(MetricNames.ApproxKl, _approxKl / _policyCount);
            m.Set(MetricNames.ClipFraction, _clipFraction / _policyCount);
        }

        if (_valueCount > 0)
        {
            m.Set(MetricNames.ValueLoss, _valueLoss / _valueCount);
        }
    }

    /// <summary>
    /// Approximate KL(old || new) by Schulman's low-variance estimator <c>mean((r - 1) - log r)</c> (as SB3 and CleanRL log
    /// it) and the fraction of ratios outside [1 - clip, 1 + clip].
    /// </summary>
    public static (double ApproxKl, double ClipFraction) RatioStatistics(ReadOnlySpan<double> logProb, ReadOnlySpan<double> oldLogProb, double clipRange)
    {
        double kl = 0;
        int clipped = 0;
        for (int i = 0; i < logProb.Length; i++)
        {
            double logRatio = logProb[i] - oldLogProb[i];
            double ratio = Math.Exp(logRatio);
            kl += ratio - 1.0 - logRatio;
            if (Math.Abs(ratio - 1.0) > clipRange)
            {
                clipped++;
            }
        }

        return (kl / logProb.Length, (double)clipped / logProb.Length);
    }

    public static double Mean(ReadOnlySpan<double> values)
    {
        double s = 0;
        foreach (double v in values)
        {
            s += v;
        }

        return s / values.Length;
    }
}
