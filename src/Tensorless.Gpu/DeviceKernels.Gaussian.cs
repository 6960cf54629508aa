using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;
using static Tensorless.Autodiff.Kernels.GaussianKernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, double> gaussianLogProb = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int, double> gaussianEntropy = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int> gaussianLogProbBackwardMean = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int> gaussianLogProbBackwardLogStd = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int> gaussianEntropyBackward = null!;

    /// <summary>
    /// Effectively <c>dst[i] = sum_j -z_ij^2 / 2 - logStd_ij - log(2 pi) / 2</c> with <c>z_ij = (a_ij - mu_ij) exp(-logStd_ij)</c>
    /// for mean and actions [rows x d], log-std [1 x d] (<paramref name="shared"/>) or [rows x d]
    /// (<c>GaussianKernels.LogProb</c>).
    /// </summary>
    public void GaussianLogProb(ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions, ArrayView<double> dst, int rows, int d, bool shared)
    {
        CheckGaussian(mean, logStd, actions, rows, d, shared);
        CheckLength(dst.Length, rows);
        if (rows > 0)
        {
            gaussianLogProb(rows, mean, logStd, actions, dst, d, shared ? 1 : 0, HalfLog2Pi);
        }
    }

    /// <summary>Effectively <c>dst[i] = sum_j (1/2 + log(2 pi)/2 + logStd_ij)</c> for log-std [rows x d] (<c>GaussianKernels.Entropy</c>).</summary>
    public void GaussianEntropy(ArrayView<double> logStd, ArrayView<double> dst, int rows, int d)
    {
        CheckLength(logStd.Length, (long)rows * d);
        CheckLength(dst.Length, rows);
        if (rows > 0)
        {
            gaussianEntropy(rows, logStd, dst, d, HalfLog2Pi);
        }
    }

    /// <summary>
    /// The log-density's rule (<c>GaussianKernels.AccumulateLogProbBackward</c>): <c>gMean += g z / sigma</c> and
    /// <c>gLogStd += g (z^2 - 1)</c>, summed over the rows in order when the log-std is shared; an empty gradient view is
    /// skipped. The actions' gradient is not computed (actions are data).
    /// </summary>
    public void AccumulateGaussianLogProbBackward(
        ArrayView<double> g, ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions,
        ArrayView<double> gMean, ArrayView<double> gLogStd, int rows, int d, bool shared)
    {
        CheckGaussian(mean, logStd, actions, rows, d, shared);
        CheckLength(g.Length, rows);
        if (rows == 0 || d == 0)
        {
            return;
        }

        if (gMean.Length > 0)
        {
            CheckLength(gMean.Length, (long)rows * d);
            gaussianLogProbBackwardMean(rows * d, g, mean, logStd, actions, gMean, d, shared ? 1 : 0);
        }

        if (gLogStd.Length > 0)
        {
            int logStdLength = shared ? d : rows * d;
            CheckLength(gLogStd.Length, logStdLength);
            gaussianLogProbBackwardLogStd(logStdLength, g, mean, logStd, actions, gLogStd, rows, d, shared ? 1 : 0);
        }
    }

    /// <summary>The entropy's rule for a log-std [rows x d]: <c>gLogStd[i, j] += g[i]</c> (<c>GaussianKernels.AccumulateEntropyBackward</c>).</summary>
    public void AccumulateGaussianEntropyBackward(ArrayView<double> g, ArrayView<double> gLogStd, int rows, int d)
    {
        CheckLength(g.Length, rows);
        CheckLength(gLogStd.Length, (long)rows * d);
        if (rows > 0 && d > 0)
        {
            gaussianEntropyBackward(rows * d, g, gLogStd, d);
        }
    }

    private void LoadGaussian(Accelerator accelerator)
    {
        gaussianLogProb = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, double>(GaussianRowKernels.LogProb);
        gaussianEntropy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, double>(GaussianRowKernels.Entropy);
        gaussianLogProbBackwardMean = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int>(GaussianRowKernels.LogProbBackwardMean);
        gaussianLogProbBackwardLogStd = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int>(GaussianRowKernels.LogProbBackwardLogStd);
        gaussianEntropyBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int>(GaussianRowKernels.EntropyBackward);
    }

    private static void CheckGaussian(ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions, int rows, int d, bool shared)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(mean.Length, (long)rows * d);
        CheckLength(actions.Length, (long)rows * d);
        CheckLength(logStd.Length, shared ? d : (long)rows * d);
    }
}
