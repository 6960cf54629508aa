namespace Tensorless.Rl.Metrics;

/// <summary>Explained variance of predictions, as Stable-Baselines3's <c>explained_variance</c>.</summary>
public static class ExplainedVariance
{
    /// <summary>
    /// Effectively computes <c>1 - Var[target - predicted] / Var[target]</c> with population variances: 1 is a
    /// perfect prediction, 0 is no better than predicting the mean, negative is worse. NaN when Var[target] = 0
    /// (or the spans are empty).
    /// </summary>
    /// <param name="predicted">Predictions, e.g. the rollout's values.</param>
    /// <param name="target">Targets, e.g. the rollout's returns.</param>
    /// <returns>The explained variance.</returns>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public static double Compute(ReadOnlySpan<double> predicted, ReadOnlySpan<double> target)
    {
        if (predicted.Length != target.Length)
        {
            throw new ArgumentException(
                $"predicted has length {predicted.Length}; expected {target.Length} (target.Length).", nameof(predicted));
        }

        int n = target.Length;
        if (n == 0)
        {
            return double.NaN;
        }

        double meanTarget = 0.0;
        double meanResidual = 0.0;
        for (int i = 0; i < n; i++)
        {
            meanTarget += target[i];
            meanResidual += target[i] - predicted[i];
        }

        meanTarget /= n;
        meanResidual /= n;
        double varTarget = 0.0;
        double varResidual = 0.0;
        for (int i = 0; i < n; i++)
        {
            double dt = target[i] - meanTarget;
            double dr = target[i] - predicted[i] - meanResidual;
            varTarget += dt * dt;
            varResidual += dr * dr;
        }

        return varTarget == 0.0 ? double.NaN : 1.0 - (varResidual / varTarget);
    }
}
