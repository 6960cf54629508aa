namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// Fused scalar losses over columns of length n: PPO's clipped surrogate and the mean squared error, forward (returning
/// the loss) and backward (adding into every non-empty gradient span; an empty span is an input that needs no gradient).
/// Exactness: plain loops in index order with the ratio recomputed as <c>exp(logp - old)</c> in both passes, the same
/// bits as the tape's historical loops.
/// </summary>
public static class LossKernels
{
    /// <summary>
    /// Returns PPO's clipped surrogate (Schulman et al. 2017, eq. 7), negated and averaged:
    /// <c>-sum_i min(r_i A_i, clip(r_i, 1 - eps, 1 + eps) A_i) / n</c> with <c>r_i = exp(logProb_i - oldLogProb_i)</c>.
    /// </summary>
    public static double ClippedSurrogate(ReadOnlySpan<double> logProb, ReadOnlySpan<double> oldLogProb, ReadOnlySpan<double> advantages, double clipRange)
    {
        double sum = 0;
        for (int i = 0; i < logProb.Length; i++)
        {
            double ratio = Math.Exp(logProb[i] - oldLogProb[i]);
            double clipped = Math.Clamp(ratio, 1.0 - clipRange, 1.0 + clipRange);
            sum += Math.Min(ratio * advantages[i], clipped * advantages[i]);
        }

        return -sum / logProb.Length;
    }

    // dL/dlogp_i = -(A_i r_i / n) where the unclipped term is the minimum, 0 where the clipped constant is; ties split, as torch.min does
    /// <summary>
    /// The surrogate's rule for upstream gradient <paramref name="g"/> of the loss: <c>acc[i] -= (g / n) w_i r_i A_i</c>,
    /// with w_i = 1 where the unclipped term is the minimum or the ratio is inside the clip range, 0 where the clipped
    /// constant is the minimum, and half of each on ties.
    /// </summary>
    public static void AccumulateClippedSurrogateBackward(
        double g, ReadOnlySpan<double> logProb, ReadOnlySpan<double> oldLogProb, ReadOnlySpan<double> advantages, double clipRange, Span<double> acc)
    {
        double eps = clipRange;
        double scale = g / logProb.Length;
        for (int i = 0; i < logProb.Length; i++)
        {
            double ratio = Math.Exp(logProb[i] - oldLogProb[i]);
            double unclipped = ratio * advantages[i];
            double clippedRatio = Math.Clamp(ratio, 1.0 - eps, 1.0 + eps);
            double clipped = clippedRatio * advantages[i];
            double weight;
            if (unclipped < clipped)
            {
                weight = 1.0;
            }
            else if (unclipped > clipped)
            {
                // the clipped term is the minimum: it carries a gradient only while the ratio is inside the clip range
                weight = ratio >= 1.0 - eps && ratio <= 1.0 + eps ? 1.0 : 0.0;
            }
            else
            {
                weight = 0.5 + (ratio >= 1.0 - eps && ratio <= 1.0 + eps ? 0.5 : 0.0);
            }

            acc[i] -= scale * weight * unclipped;
        }
    }

    /// <summary>Returns <c>sum_i (p_i - t_i)^2 / n</c>, summed in index order.</summary>
    public static double Mse(ReadOnlySpan<double> prediction, ReadOnlySpan<double> target)
    {
        double sum = 0;
        for (int i = 0; i < prediction.Length; i++)
        {
            double e = prediction[i] - target[i];
            sum += e * e;
        }

        return sum / prediction.Length;
    }

    // d/dp = 2 (p - t) / n, d/dt = -2 (p - t) / n
    /// <summary>
    /// The MSE's rule for upstream gradient <paramref name="g"/>: with <c>e_i = (2 g / n) (p_i - t_i)</c>,
    /// <c>gPrediction[i] += e_i</c> and <c>gTarget[i] -= e_i</c>.
    /// </summary>
    public static void AccumulateMseBackward(
        double g, ReadOnlySpan<double> prediction, ReadOnlySpan<double> target, Span<double> gPrediction, Span<double> gTarget)
    {
        double scale = g * 2.0 / prediction.Length;
        for (int i = 0; i < prediction.Length; i++)
        {
            double e = scale * (prediction[i] - target[i]);
            if (!gPrediction.IsEmpty)
            {
                gPrediction[i] += e;
            }

            if (!gTarget.IsEmpty)
            {
                gTarget[i] -= e;
            }
        }
    }
}
