using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, double, ArrayView<double>> surrogate = null!;
    private Action<Index1D, double, ArrayView<double>, ArrayView<double>, ArrayView<double>, double, ArrayView<double>> surrogateBackward = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int, ArrayView<double>> mse = null!;
    private Action<Index1D, double, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>> mseBackward = null!;
    private Action<Index1D, ArrayView<double>, int, ArrayView<double>> squaredNorm = null!, globalNorm = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, double> scaleToNorm = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, AdamScalars> adam = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, double, double, double, double> rmsProp = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, SgdScalars> sgd = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<byte>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, int, int, double, double, ArrayView<double>, ArrayView<double>> gae = null!;

    /// <summary>
    /// PPO's clipped surrogate, negated and averaged, into <c>result[0]</c>:
    /// <c>-sum_i min(r_i A_i, clip(r_i, 1 - eps, 1 + eps) A_i) / n</c>, <c>r_i = exp(logProb_i - oldLogProb_i)</c>,
    /// summed on one thread in index order (<c>LossKernels.ClippedSurrogate</c>'s order).
    /// </summary>
    public void ClippedSurrogate(ArrayView<double> logProb, ArrayView<double> oldLogProb, ArrayView<double> advantages, int n, double clipRange, ArrayView<double> result)
    {
        CheckColumns(n, logProb, oldLogProb, advantages);
        CheckLength(result.Length, 1);
        surrogate(1, logProb, oldLogProb, advantages, n, clipRange, result);
    }

    /// <summary>The surrogate's rule for upstream gradient g: <c>acc[i] -= (g / n) w_i r_i A_i</c> (<c>LossKernels.AccumulateClippedSurrogateBackward</c>).</summary>
    public void AccumulateClippedSurrogateBackward(double g, ArrayView<double> logProb, ArrayView<double> oldLogProb, ArrayView<double> advantages, int n, double clipRange, ArrayView<double> acc)
    {
        CheckColumns(n, logProb, oldLogProb, advantages);
        CheckLength(acc.Length, n);
        if (n > 0)
        {
            surrogateBackward(n, g / n, logProb, oldLogProb, advantages, clipRange, acc);
        }
    }

    /// <summary>The mean squared error <c>sum_i (p_i - t_i)^2 / n</c> into <c>result[0]</c>, one thread, index order (<c>LossKernels.Mse</c>).</summary>
    public void Mse(ArrayView<double> prediction, ArrayView<double> target, int n, ArrayView<double> result)
    {
        CheckColumns(n, prediction, target, target);
        CheckLength(result.Length, 1);
        mse(1, prediction, target, n, result);
    }

    /// <summary>
    /// The MSE's rule: with <c>e_i = (2 g / n)(p_i - t_i)</c>, <c>gPrediction[i] += e_i</c> and <c>gTarget[i] -= e_i</c>;
    /// an empty view is skipped (<c>LossKernels.AccumulateMseBackward</c>).
    /// </summary>
    public void AccumulateMseBackward(double g, ArrayView<double> prediction, ArrayView<double> target, ArrayView<double> gPrediction, ArrayView<double> gTarget, int n)
    {
        CheckColumns(n, prediction, target, target);
        if (gPrediction.Length > 0)
        {
            CheckLength(gPrediction.Length, n);
        }

        if (gTarget.Length > 0)
        {
            CheckLength(gTarget.Length, n);
        }

        if (n > 0)
        {
            mseBackward(n, g * 2.0 / n, prediction, target, gPrediction, gTarget);
        }
    }

    /// <summary>
    /// <c>result[0] = ||x||^2</c> as the norm squared (<c>OptimizerKernels.SquaredNorm</c>'s form), the sum of squares on one
    /// thread in index order (the CPU sums in TensorPrimitives' lanes: equal to rounding).
    /// </summary>
    public void SquaredNorm(ArrayView<double> x, int n, ArrayView<double> result)
    {
        CheckLength(x.Length, n);
        CheckLength(result.Length, 1);
        squaredNorm(1, x, n, result);
    }

    /// <summary>
    /// Global-norm gradient clipping as <c>GradientClipping.ClipByGlobalNorm</c> (PyTorch's <c>clip_grad_norm_</c>) does
    /// it, on the device: each gradient's squared norm into <paramref name="scratch"/>[i], their sum's square root (the
    /// total norm, summed in parameter order) into <paramref name="scratch"/>[count], then every gradient multiplied by
    /// <c>maxNorm / (total + 1e-6)</c> where that is below 1. Nothing comes back to the host; read the total norm from
    /// <c>scratch[count]</c> when it is wanted.
    /// </summary>
    /// <param name="gradients">The gradients, one view per parameter.</param>
    /// <param name="maxNorm">The largest norm left alone; positive.</param>
    /// <param name="scratch">At least <c>gradients.Count + 1</c> elements.</param>
    /// <exception cref="ArgumentException"><paramref name="maxNorm"/> is not positive, or <paramref name="scratch"/> is short.</exception>
    public void ClipByGlobalNorm(IReadOnlyList<ArrayView<double>> gradients, double maxNorm, ArrayView<double> scratch)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (!(maxNorm > 0))
        {
            throw new ArgumentException($"maxNorm must be positive, got {maxNorm}.", nameof(maxNorm));
        }

        int count = gradients.Count;
        CheckLength(scratch.Length, count + 1L);
        for (int i = 0; i < count; i++)
        {
            squaredNorm(1, gradients[i], (int)gradients[i].Length, scratch.SubView(i, 1));
        }

        globalNorm(1, scratch, count, scratch.SubView(count, 1));
        var total = scratch.SubView(count, 1);
        for (int i = 0; i < count; i++)
        {
            if (gradients[i].Length > 0)
            {
                scaleToNorm((int)gradients[i].Length, gradients[i], total, maxNorm);
            }
        }
    }

    /// <summary>One Adam step over n elements (<c>OptimizerKernels.AdamStep</c>, same arguments and formula, same bits where the device rounds each operation).</summary>
    public void AdamStep(
        ArrayView<double> param, ArrayView<double> grad, ArrayView<double> expAvg, ArrayView<double> expAvgSq, int n,
        double lr, double beta1, double beta2, double eps, double biasCorrection1, double biasCorrection2, double weightDecay)
    {
        CheckColumns(n, param, grad, expAvg);
        CheckLength(expAvgSq.Length, n);
        double w = 1.0 - beta1;
        var s = new AdamScalars(-(lr / biasCorrection1), beta2, 1.0 - beta2, w, beta1, w < 0.5 ? 1 : 0, eps, Math.Sqrt(biasCorrection2), weightDecay);
        if (n > 0)
        {
            adam(n, param, grad, expAvg, expAvgSq, s);
        }
    }

    /// <summary>One RMSprop step over n elements (<c>OptimizerKernels.RmsPropStep</c>).</summary>
    public void RmsPropStep(ArrayView<double> param, ArrayView<double> grad, ArrayView<double> squareAvg, int n, double lr, double alpha, double eps, double weightDecay)
    {
        CheckColumns(n, param, grad, squareAvg);
        if (n > 0)
        {
            rmsProp(n, param, grad, squareAvg, -lr, alpha, eps, weightDecay);
        }
    }

    /// <summary>One SGD step over n elements (<c>OptimizerKernels.SgdStepReference</c>; no scratch needed); the momentum buffer may be empty when momentum is 0.</summary>
    public void SgdStep(
        ArrayView<double> param, ArrayView<double> grad, ArrayView<double> momentumBuffer, int n,
        double lr, double momentum, double dampening, bool nesterov, double weightDecay, bool firstStep)
    {
        CheckColumns(n, param, grad, grad);
        if (momentum != 0)
        {
            CheckLength(momentumBuffer.Length, n);
        }

        if (n > 0)
        {
            sgd(n, param, grad, momentumBuffer, new SgdScalars(lr, momentum, dampening, nesterov ? 1 : 0, weightDecay, firstStep ? 1 : 0));
        }
    }

    /// <summary>
    /// GAE over a whole time-major rollout [steps x n] (<c>Gae.Gae</c> in Tensorless.Rl, i.e. <c>AdvantageKernels.GaeRow</c>
    /// newest row first): one thread per env runs its backward recursion, so the bits are the CPU's.
    /// <c>gammaLambda</c> is <c>gamma * lambda</c> computed by the caller.
    /// </summary>
    public void Gae(
        ArrayView<double> rewards, ArrayView<double> values, ArrayView<byte> terminated, ArrayView<byte> truncated,
        ArrayView<double> truncationValues, ArrayView<double> lastValues, int steps, int n, double gamma, double gammaLambda,
        ArrayView<double> advantages, ArrayView<double> returns)
    {
        long size = (long)steps * n;
        CheckColumns(size, rewards, values, truncationValues);
        CheckColumns(size, advantages, returns, returns);
        CheckLength(terminated.Length, size);
        CheckLength(truncated.Length, size);
        CheckLength(lastValues.Length, n);
        if (steps > 0 && n > 0)
        {
            gae(n, rewards, values, terminated, truncated, truncationValues, lastValues, steps, n, gamma, gammaLambda, advantages, returns);
        }
    }

    private void LoadTraining(Accelerator accelerator)
    {
        surrogate = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, double, ArrayView<double>>(TrainingKernels.ClippedSurrogate);
        surrogateBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, double, ArrayView<double>, ArrayView<double>, ArrayView<double>, double, ArrayView<double>>(TrainingKernels.ClippedSurrogateBackward);
        mse = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, ArrayView<double>>(TrainingKernels.Mse);
        mseBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, double, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>>(TrainingKernels.MseBackward);
        squaredNorm = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, int, ArrayView<double>>(TrainingKernels.SquaredNorm);
        globalNorm = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, int, ArrayView<double>>(TrainingKernels.GlobalNorm);
        scaleToNorm = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, double>(TrainingKernels.ScaleToNorm);
        adam = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, AdamScalars>(TrainingKernels.Adam);
        rmsProp = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, double, double, double, double>(TrainingKernels.RmsProp);
        sgd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, SgdScalars>(TrainingKernels.Sgd);
        gae = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<byte>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, int, int, double, double, ArrayView<double>, ArrayView<double>>(TrainingKernels.Gae);
    }

    private static void CheckColumns(long n, ArrayView<double> a, ArrayView<double> b, ArrayView<double> c)
    {
        CheckLength(a.Length, n);
        CheckLength(b.Length, n);
        CheckLength(c.Length, n);
    }
}
