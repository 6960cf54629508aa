using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// The update's per-member pieces for K agents at once (a population's batched update): each is
/// <see cref="TrainingKernels"/>' kernel with member k's own scalar (clip range, norm, step size) read from a per-member
/// view, the member found from the element's index (<c>k = i / length</c>). Each member's values are the ones the
/// single-agent kernel gives it alone.
/// </summary>
internal static class PopulationTrainingKernels
{
    // the clipped surrogate's rule with member k's clip range: rows per member, acc[i] -= scale w_i r_i A_i
    public static void ClippedSurrogateBackward(Index1D i, double scale, ArrayView<double> logProb, ArrayView<double> oldLogProb, ArrayView<double> advantages, ArrayView<double> clipRanges, int rows, ArrayView<double> acc) =>
        TrainingKernels.ClippedSurrogateBackwardAt(i, scale, logProb, oldLogProb, advantages, clipRanges[i / rows], acc);

    // one thread per member: the squared norm of its [length] block of x into norms[k * count + slot]
    public static void SquaredNorm(Index1D k, ArrayView<double> x, int length, ArrayView<double> norms, int count, int slot)
    {
        int member = k;
        norms[((long)member * count) + slot] = TrainingKernels.SquaredNormOf(x, (long)member * length, length);
    }

    // one thread per member: its global norm from its count squared norms, summed in parameter order
    public static void GlobalNorm(Index1D k, ArrayView<double> norms, int count, ArrayView<double> totals)
    {
        int member = k;
        double sum = 0.0;
        for (int p = 0; p < count; p++)
        {
            sum += norms[((long)member * count) + p];
        }

        totals[k] = Math.Sqrt(sum);
    }

    // every element of a [K x length] gradient scaled to its member's norm limit
    public static void ScaleToNorm(Index1D i, ArrayView<double> grad, int length, ArrayView<double> totals, double maxNorm) =>
        TrainingKernels.ScaleToNormAt(i, grad, totals[i / length], maxNorm);

    // Adam over a [K x length] parameter with member k's step: steps[3k] = -lr / (1 - beta1^t), steps[3k + 1] =
    // sqrt(1 - beta2^t), steps[3k + 2] = 1 when member k steps now (0 leaves its parameter and moments alone)
    public static void Adam(Index1D i, ArrayView<double> param, ArrayView<double> grad, ArrayView<double> expAvg, ArrayView<double> expAvgSq, int length, ArrayView<double> steps, AdamScalars s)
    {
        int element = i;
        int k = element / length;
        if (steps[(3 * k) + 2] != 0.0)
        {
            TrainingKernels.AdamAt(element, param, grad, expAvg, expAvgSq, s, steps[3 * k], steps[(3 * k) + 1]);
        }
    }

    // RMSprop over a [K x length] parameter with member k's step: steps[3k] = -lr, steps[3k + 2] = 1 when member k steps now
    public static void RmsProp(Index1D i, ArrayView<double> param, ArrayView<double> grad, ArrayView<double> squareAvg, int length, ArrayView<double> steps, double alpha, double eps, double weightDecay)
    {
        int element = i;
        int k = element / length;
        if (steps[(3 * k) + 2] != 0.0)
        {
            TrainingKernels.RmsPropAt(element, param, grad, squareAvg, steps[3 * k], alpha, eps, weightDecay);
        }
    }

    // one thread per member and column: member k's log-std gradient over its own rows, in order (the single agent's
    // shared log-std rule, GaussianRowKernels.LogProbBackwardLogStd)
    public static void LogStdGradient(Index1D s, ArrayView<double> g, ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions, ArrayView<double> gLogStd, int rows, int d)
    {
        int element = s;
        int member = element / d;
        GaussianRowKernels.LogStdGradientAt(element, element - (member * d), member * rows, (member + 1) * rows, g, mean, logStd, actions, gLogStd, d);
    }
}
