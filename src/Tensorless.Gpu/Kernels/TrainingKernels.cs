using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>Adam's per-step scalars, computed on the host exactly as <c>OptimizerKernels.AdamStep</c> computes them.</summary>
internal readonly record struct AdamScalars(double NegStepSize, double Beta2, double OneMinusB2, double W, double OneMinusW, int LowWeight, double Eps, double Bc2Sqrt, double WeightDecay);

/// <summary>SGD's options for one step (<c>OptimizerKernels.SgdStepReference</c>).</summary>
internal readonly record struct SgdScalars(double Lr, double Momentum, double Dampening, int Nesterov, double WeightDecay, int FirstStep);

/// <summary>
/// Device bodies of the PPO loss pieces, the optimizer steps, the squared norm and GAE. Reductions to a scalar run on
/// one thread in index order (the CPU loop's order), so they are deterministic and, where the CPU sums in index order too,
/// the same bits.
/// </summary>
internal static class TrainingKernels
{
    // Math.Clamp's order of tests (NaN passes through)
    public static double Clamp(double v, double lo, double hi) => v < lo ? lo : v > hi ? hi : v;

    // Math.Min for the finite values a loss sees; NaN propagates
    public static double Min(double a, double b) => double.IsNaN(a) || double.IsNaN(b) ? double.NaN : b < a ? b : a;

    public static void ClippedSurrogate(Index1D index, ArrayView<double> logProb, ArrayView<double> oldLogProb, ArrayView<double> advantages, int n, double clipRange, ArrayView<double> result)
    {
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            double ratio = Math.Exp(logProb[i] - oldLogProb[i]);
            double clipped = Clamp(ratio, 1.0 - clipRange, 1.0 + clipRange);
            sum += Min(ratio * advantages[i], clipped * advantages[i]);
        }

        result[index] = -sum / n;
    }

    public static void ClippedSurrogateBackward(Index1D i, double scale, ArrayView<double> logProb, ArrayView<double> oldLogProb, ArrayView<double> advantages, double eps, ArrayView<double> acc) =>
        ClippedSurrogateBackwardAt(i, scale, logProb, oldLogProb, advantages, eps, acc);

    // the surrogate's rule at element i (LossKernels.AccumulateClippedSurrogateBackward): a kernel's body, and the batched one's
    public static void ClippedSurrogateBackwardAt(int i, double scale, ArrayView<double> logProb, ArrayView<double> oldLogProb, ArrayView<double> advantages, double eps, ArrayView<double> acc)
    {
        double ratio = Math.Exp(logProb[i] - oldLogProb[i]);
        double unclipped = ratio * advantages[i];
        double clippedRatio = Clamp(ratio, 1.0 - eps, 1.0 + eps);
        double clipped = clippedRatio * advantages[i];
        bool inside = ratio >= 1.0 - eps && ratio <= 1.0 + eps;
        double weight = unclipped < clipped ? 1.0
            : unclipped > clipped ? (inside ? 1.0 : 0.0)
            : 0.5 + (inside ? 0.5 : 0.0);
        acc[i] = acc[i] - (scale * weight * unclipped);
    }

    public static void Mse(Index1D index, ArrayView<double> prediction, ArrayView<double> target, int n, ArrayView<double> result)
    {
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            double e = prediction[i] - target[i];
            sum += e * e;
        }

        result[index] = sum / n;
    }

    public static void MseBackward(Index1D i, double scale, ArrayView<double> prediction, ArrayView<double> target, ArrayView<double> gPrediction, ArrayView<double> gTarget)
    {
        double e = scale * (prediction[i] - target[i]);
        if (gPrediction.Length > 0)
        {
            gPrediction[i] = gPrediction[i] + e;
        }

        if (gTarget.Length > 0)
        {
            gTarget[i] = gTarget[i] - e;
        }
    }

    // sqrt(sum of squares in index order), squared: OptimizerKernels.SquaredNorm's norm-then-square form
    public static void SquaredNorm(Index1D index, ArrayView<double> x, int n, ArrayView<double> result) =>
        result[index] = SquaredNormOf(x, 0, n);

    // the norm of x[offset .. offset + n), squared: a kernel's body, and the batched one's
    public static double SquaredNormOf(ArrayView<double> x, long offset, int n)
    {
        double sum = 0.0;
        for (int i = 0; i < n; i++)
        {
            double v = x[offset + i];
            sum += v * v;
        }

        double norm = Math.Sqrt(sum);
        return norm * norm;
    }

    // GradientClipping.GlobalNorm: the norm of the per-parameter norms, from their squares, summed in parameter order
    public static void GlobalNorm(Index1D index, ArrayView<double> squaredNorms, int count, ArrayView<double> total)
    {
        double sum = 0.0;
        for (int i = 0; i < count; i++)
        {
            sum += squaredNorms[i];
        }

        total[index] = Math.Sqrt(sum);
    }

    // GradientClipping.ClipByGlobalNorm's scaling: coef = maxNorm / (total + 1e-6), applied only when below 1
    public static void ScaleToNorm(Index1D i, ArrayView<double> grad, ArrayView<double> total, double maxNorm) =>
        ScaleToNormAt(i, grad, total[0], maxNorm);

    public static void ScaleToNormAt(int i, ArrayView<double> grad, double total, double maxNorm)
    {
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1.0)
        {
            grad[i] = grad[i] * coef;
        }
    }

    // OptimizerKernels.AdamElement
    public static void Adam(Index1D i, ArrayView<double> param, ArrayView<double> grad, ArrayView<double> expAvg, ArrayView<double> expAvgSq, AdamScalars s) =>
        AdamAt(i, param, grad, expAvg, expAvgSq, s, s.NegStepSize, s.Bc2Sqrt);

    // Adam at element i with the step's own step size and bias correction: a kernel's body, and the batched one's
    public static void AdamAt(int i, ArrayView<double> param, ArrayView<double> grad, ArrayView<double> expAvg, ArrayView<double> expAvgSq, AdamScalars s, double negStepSize, double bc2Sqrt)
    {
        double p = param[i];
        double g = grad[i];
        if (s.WeightDecay != 0.0)
        {
            g += p * s.WeightDecay;
        }

        double m = expAvg[i];
        double mi = s.LowWeight != 0 ? m + (s.W * (g - m)) : g - ((g - m) * s.OneMinusW);
        double vi = (expAvgSq[i] * s.Beta2) + (g * g * s.OneMinusB2);
        double denom = (Math.Sqrt(vi) / bc2Sqrt) + s.Eps;
        param[i] = p + (negStepSize * (mi / denom));
        expAvg[i] = mi;
        expAvgSq[i] = vi;
    }

    // OptimizerKernels.RmsPropElement
    public static void RmsProp(Index1D i, ArrayView<double> param, ArrayView<double> grad, ArrayView<double> squareAvg, double negLr, double alpha, double eps, double weightDecay) =>
        RmsPropAt(i, param, grad, squareAvg, negLr, alpha, eps, weightDecay);

    // RMSprop at element i: a kernel's body, and the batched one's
    public static void RmsPropAt(int i, ArrayView<double> param, ArrayView<double> grad, ArrayView<double> squareAvg, double negLr, double alpha, double eps, double weightDecay)
    {
        double p = param[i];
        double g = grad[i];
        if (weightDecay != 0.0)
        {
            g += p * weightDecay;
        }

        double si = (squareAvg[i] * alpha) + (g * g * (1.0 - alpha));
        param[i] = p + (negLr * (g / (Math.Sqrt(si) + eps)));
        squareAvg[i] = si;
    }

    // OptimizerKernels.SgdStepReference
    public static void Sgd(Index1D i, ArrayView<double> param, ArrayView<double> grad, ArrayView<double> momentumBuffer, SgdScalars s)
    {
        double d = grad[i];
        if (s.WeightDecay != 0.0)
        {
            d = (param[i] * s.WeightDecay) + d;
        }

        if (s.Momentum != 0.0)
        {
            double buf = s.FirstStep != 0 ? d : (d * (1.0 - s.Dampening)) + (momentumBuffer[i] * s.Momentum);
            momentumBuffer[i] = buf;
            d = s.Nesterov != 0 ? (buf * s.Momentum) + d : buf;
        }

        param[i] = (d * -s.Lr) + param[i];
    }

    // AdvantageKernels.GaeRow over a whole time-major rollout [steps x n]: one thread per env, newest step first
    public static void Gae(
        Index1D env,
        ArrayView<double> rewards,
        ArrayView<double> values,
        ArrayView<byte> terminated,
        ArrayView<byte> truncated,
        ArrayView<double> truncationValues,
        ArrayView<double> lastValues,
        int steps,
        int n,
        double gamma,
        double gammaLambda,
        ArrayView<double> advantages,
        ArrayView<double> returns)
    {
        for (int t = steps - 1; t >= 0; t--)
        {
            int idx = (t * n) + env;
            bool last = t == steps - 1;
            bool isTerm = terminated[idx] != 0;
            bool isTrunc = truncated[idx] != 0;
            double vi = values[idx];
            double boot = isTerm ? 0.0 : isTrunc ? truncationValues[idx] : last ? lastValues[env] : values[idx + n];
            double a = rewards[idx] + (gamma * boot) - vi;
            if (!last)
            {
                a += isTerm || isTrunc ? 0.0 : gammaLambda * advantages[idx + n];
            }

            advantages[idx] = a;
            returns[idx] = a + vi;
        }
    }
}
