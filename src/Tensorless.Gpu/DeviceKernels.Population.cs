using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    private Action<Index1D, double, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>> batchedSurrogateBackward = null!;
    private Action<Index1D, ArrayView<double>, int, ArrayView<double>, int, int> batchedSquaredNorm = null!;
    private Action<Index1D, ArrayView<double>, int, ArrayView<double>> batchedGlobalNorm = null!;
    private Action<Index1D, ArrayView<double>, int, ArrayView<double>, double> batchedScaleToNorm = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>, AdamScalars> batchedAdam = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>, double, double, double> batchedRmsProp = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int> batchedLogStdBackward = null!;

    /// <summary>
    /// <see cref="AccumulateClippedSurrogateBackward"/> for <paramref name="batch"/> members of <paramref name="rows"/>
    /// rows each, back to back, member k at clip range <c>clipRanges[k]</c>: each member's rows get the rule of its own
    /// mean (<c>g / rows</c>).
    /// </summary>
    public void BatchedAccumulateClippedSurrogateBackward(double g, ArrayView<double> logProb, ArrayView<double> oldLogProb, ArrayView<double> advantages, ArrayView<double> clipRanges, int batch, int rows, ArrayView<double> acc)
    {
        long n = (long)batch * rows;
        CheckColumns(n, logProb, oldLogProb, advantages);
        CheckLength(acc.Length, n);
        CheckLength(clipRanges.Length, batch);
        if (n > 0)
        {
            batchedSurrogateBackward((int)n, g / rows, logProb, oldLogProb, advantages, clipRanges, rows, acc);
        }
    }

    /// <summary><see cref="AccumulateMseBackward"/> (prediction's side) for <paramref name="batch"/> members of <paramref name="rows"/> rows each, each the rule of its own mean (<c>2 g / rows</c>).</summary>
    public void BatchedAccumulateMseBackward(double g, ArrayView<double> prediction, ArrayView<double> target, ArrayView<double> gPrediction, int batch, int rows)
    {
        long n = (long)batch * rows;
        CheckColumns(n, prediction, target, gPrediction);
        if (n > 0)
        {
            mseBackward((int)n, g * 2.0 / rows, prediction, target, gPrediction, default);
        }
    }

    /// <summary>
    /// Per-member global-norm clipping (<see cref="ClipByGlobalNorm"/> for each member alone): <paramref name="gradients"/>
    /// are [K x length] blocks, one per parameter in the optimizer's order; each member's squared norms go into
    /// <paramref name="norms"/> [K x count], its total norm into <paramref name="totals"/> [K], and its gradients are
    /// scaled by <c>maxNorm / (total + 1e-6)</c> where that is below 1.
    /// </summary>
    public void BatchedClipByGlobalNorm(IReadOnlyList<(ArrayView<double> Grad, int Length)> gradients, int batch, double maxNorm, ArrayView<double> norms, ArrayView<double> totals)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        if (!(maxNorm > 0))
        {
            throw new ArgumentException($"maxNorm must be positive, got {maxNorm}.", nameof(maxNorm));
        }

        int count = gradients.Count;
        CheckLength(norms.Length, (long)batch * count);
        CheckLength(totals.Length, batch);
        if (batch == 0)
        {
            return;
        }

        for (int p = 0; p < count; p++)
        {
            var (grad, length) = gradients[p];
            CheckLength(grad.Length, (long)batch * length);
            batchedSquaredNorm(batch, grad, length, norms, count, p);
        }

        batchedGlobalNorm(batch, norms, count, totals);
        foreach (var (grad, length) in gradients)
        {
            if (length > 0)
            {
                batchedScaleToNorm(batch * length, grad, length, totals, maxNorm);
            }
        }
    }

    /// <summary>
    /// <see cref="AdamStep"/> over a [K x length] parameter, member k with its own step (<c>steps[3k]</c> the negated
    /// step size <c>-lr / (1 - beta1^t)</c>, <c>steps[3k + 1]</c> = <c>sqrt(1 - beta2^t)</c>, <c>steps[3k + 2]</c> 1 when
    /// it steps now, 0 to leave it alone).
    /// </summary>
    public void BatchedAdamStep(ArrayView<double> param, ArrayView<double> grad, ArrayView<double> expAvg, ArrayView<double> expAvgSq, int batch, int length, ArrayView<double> steps, double beta1, double beta2, double eps, double weightDecay)
    {
        long n = (long)batch * length;
        CheckColumns(n, param, grad, expAvg);
        CheckLength(expAvgSq.Length, n);
        CheckLength(steps.Length, 3L * batch);
        double w = 1.0 - beta1;
        var s = new AdamScalars(0.0, beta2, 1.0 - beta2, w, beta1, w < 0.5 ? 1 : 0, eps, 1.0, weightDecay);
        if (n > 0)
        {
            batchedAdam((int)n, param, grad, expAvg, expAvgSq, length, steps, s);
        }
    }

    /// <summary>
    /// <see cref="RmsPropStep"/> over a [K x length] parameter, member k with its own learning rate (<c>steps[3k]</c> =
    /// <c>-lr</c>, <c>steps[3k + 2]</c> 1 when it steps now, 0 to leave it alone).
    /// </summary>
    public void BatchedRmsPropStep(ArrayView<double> param, ArrayView<double> grad, ArrayView<double> squareAvg, int batch, int length, ArrayView<double> steps, double alpha, double eps, double weightDecay)
    {
        long n = (long)batch * length;
        CheckColumns(n, param, grad, squareAvg);
        CheckLength(steps.Length, 3L * batch);
        if (n > 0)
        {
            batchedRmsProp((int)n, param, grad, squareAvg, length, steps, alpha, eps, weightDecay);
        }
    }

    /// <summary>
    /// The log-std's part of <see cref="AccumulateGaussianLogProbBackward"/> (shared log-std) for <paramref name="batch"/>
    /// members: member k's log-std [d] (row k of <paramref name="logStd"/> and <paramref name="gLogStd"/>, [K x d]) gains
    /// <c>g (z^2 - 1)</c> over its own <paramref name="rows"/> rows of mean and actions [K x rows x d], in row order.
    /// </summary>
    public void BatchedAccumulateGaussianLogStdBackward(ArrayView<double> g, ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions, ArrayView<double> gLogStd, int batch, int rows, int d)
    {
        long n = (long)batch * rows;
        CheckLength(g.Length, n);
        CheckLength(mean.Length, n * d);
        CheckLength(actions.Length, n * d);
        CheckLength(logStd.Length, (long)batch * d);
        CheckLength(gLogStd.Length, (long)batch * d);
        if (batch > 0 && d > 0)
        {
            batchedLogStdBackward(batch * d, g, mean, logStd, actions, gLogStd, rows, d);
        }
    }

    /// <summary>Member k's Adam step scalars as <see cref="AdamStep"/> computes them: <c>(-(lr / bc1), sqrt(bc2))</c>.</summary>
    public static (double NegStepSize, double Bc2Sqrt) AdamStepScalars(double lr, double beta1, double beta2, long step) =>
        (-(lr / (1.0 - Math.Pow(beta1, step))), Math.Sqrt(1.0 - Math.Pow(beta2, step)));

    private void LoadPopulation(Accelerator accelerator)
    {
        batchedSurrogateBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, double, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>>(PopulationTrainingKernels.ClippedSurrogateBackward);
        batchedSquaredNorm = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, int, ArrayView<double>, int, int>(PopulationTrainingKernels.SquaredNorm);
        batchedGlobalNorm = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, int, ArrayView<double>>(PopulationTrainingKernels.GlobalNorm);
        batchedScaleToNorm = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, int, ArrayView<double>, double>(PopulationTrainingKernels.ScaleToNorm);
        batchedRmsProp = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>, double, double, double>(PopulationTrainingKernels.RmsProp);
        batchedLogStdBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int>(PopulationTrainingKernels.LogStdGradient);
        batchedAdam = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>, AdamScalars>(PopulationTrainingKernels.Adam);
    }
}
