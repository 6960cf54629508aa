using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;
using static Tensorless.Autodiff.Kernels.GaussianKernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>, double> mvnLogProb = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>, double> mvnLogProbRows = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, int, double> mvnEntropy = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int> mvnSolveTransposed = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int> mvnLogProbBackwardX = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int> mvnLogProbBackwardMean = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int> mvnLogProbBackwardFactor = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int> mvnEntropyBackward = null!;

    /// <summary>
    /// The tape's log-density (<c>MvnKernels.LogProb</c>): <c>z_i = L^-1 (x_i - mu_i)</c> into <paramref name="z"/>
    /// [rows x d], then effectively <c>dst[i] = -|z_i|^2 / 2 - logDet - d log(2 pi) / 2</c>, subtracted in that order, for
    /// x [rows x d], mean [rows x d] or [1 x d] (<paramref name="sharedMean"/>) and L [d x d] (upper triangle not read).
    /// <paramref name="logDet"/> holds <c>sum_j log L_jj</c> in its first element (see <see cref="LogDiagonal"/>). The
    /// caller checks that L's diagonal is positive and finite.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows or d is negative.</exception>
    public void MvnLogProb(
        ArrayView<double> x, ArrayView<double> mean, ArrayView<double> l, ArrayView<double> z, ArrayView<double> dst,
        int rows, int d, bool sharedMean, ArrayView<double> logDet)
    {
        CheckMvn(x, mean, l, logDet, rows, d, sharedMean);
        CheckLength(z.Length, (long)rows * d);
        CheckLength(dst.Length, rows);
        if (rows > 0)
        {
            mvnLogProb(rows, x, mean, l, z, dst, d, sharedMean ? 1 : 0, logDet, HalfLog2Pi);
        }
    }

    /// <summary>
    /// The distribution's log-density for mean [rows x d] (<c>MvnKernels.LogProbRows</c>): effectively
    /// <c>dst[i] = -|L^-1 (x_i - mu_i)|^2 / 2 - c</c> with the constant folded first, <c>c = logDet + d log(2 pi) / 2</c>.
    /// Unlike the CPU's d values, <paramref name="scratch"/> holds rows x d (one row per thread).
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows or d is negative.</exception>
    public void MvnLogProbRows(
        ArrayView<double> x, ArrayView<double> mean, ArrayView<double> l, ArrayView<double> scratch, ArrayView<double> dst,
        int rows, int d, ArrayView<double> logDet)
    {
        CheckMvn(x, mean, l, logDet, rows, d, sharedMean: false);
        CheckLength(scratch.Length, (long)rows * d);
        CheckLength(dst.Length, rows);
        if (rows > 0)
        {
            mvnLogProbRows(rows, x, mean, l, scratch, dst, d, logDet, HalfLog2Pi);
        }
    }

    /// <summary>
    /// Effectively <c>dst[i] = d (1/2 + log(2 pi)/2) + logDet</c> for every one of <paramref name="rows"/> rows
    /// (<c>MvnKernels.Entropy</c>; one row gives the tape's 1 x 1 entropy).
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows or d is negative.</exception>
    public void MvnEntropy(ArrayView<double> logDet, ArrayView<double> dst, int rows, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(logDet.Length, 1);
        CheckLength(dst.Length, rows);
        if (rows > 0)
        {
            mvnEntropy(rows, logDet, dst, d, HalfLog2Pi);
        }
    }

    // with u = L^-T z: d/dmu = u, d/dx = -u, d/dL = tril(u z^T) - diag(1 / L_jj)
    /// <summary>
    /// The log-density's rule from the saved z [rows x d] (<c>MvnKernels.AccumulateLogProbBackward</c>):
    /// <c>u_i = L^-T z_i</c> into <paramref name="u"/> [rows x d] (the CPU's u holds d), then <c>gx -= g u</c>,
    /// <c>gMean += g u</c> (summed over the rows in order when shared), <c>gL[i, j] += g u_i z_j</c> for j &lt;= i and
    /// <c>gL[i, i] -= g / L_ii</c>, each element of L's gradient adding the rows in order; an empty gradient view is
    /// skipped, and L's upper triangle is neither read nor written.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">rows or d is negative.</exception>
    public void AccumulateMvnLogProbBackward(
        ArrayView<double> g, ArrayView<double> l, ArrayView<double> z, ArrayView<double> u,
        ArrayView<double> gx, ArrayView<double> gMean, ArrayView<double> gL, int rows, int d, bool sharedMean)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(g.Length, rows);
        CheckLength(l.Length, (long)d * d);
        CheckLength(z.Length, (long)rows * d);
        CheckLength(u.Length, (long)rows * d);
        if (gx.Length > 0)
        {
            CheckLength(gx.Length, (long)rows * d);
        }

        int meanLength = sharedMean ? d : rows * d;
        if (gMean.Length > 0)
        {
            CheckLength(gMean.Length, meanLength);
        }

        if (gL.Length > 0)
        {
            CheckLength(gL.Length, (long)d * d);
        }

        if (rows == 0 || d == 0)
        {
            return;
        }

        mvnSolveTransposed(rows, l, z, u, d);
        if (gx.Length > 0)
        {
            mvnLogProbBackwardX(rows * d, g, u, gx, d);
        }

        if (gMean.Length > 0)
        {
            mvnLogProbBackwardMean(meanLength, g, u, gMean, rows, d, sharedMean ? 1 : 0);
        }

        if (gL.Length > 0)
        {
            mvnLogProbBackwardFactor(d * d, g, l, z, u, gL, rows, d);
        }
    }

    // dH / dL_jj = 1 / L_jj
    /// <summary>The entropy's rule (<c>MvnKernels.AccumulateEntropyBackward</c>): <c>gL[j, j] += g[0] / L_jj</c>, the upstream gradient in a one-element view.</summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    /// <exception cref="ArgumentOutOfRangeException">d is negative.</exception>
    public void AccumulateMvnEntropyBackward(ArrayView<double> g, ArrayView<double> l, ArrayView<double> gL, int d)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(g.Length, 1);
        CheckLength(l.Length, (long)d * d);
        CheckLength(gL.Length, (long)d * d);
        if (d > 0)
        {
            mvnEntropyBackward(d, g, l, gL, d);
        }
    }

    private void LoadMvn(Accelerator accelerator)
    {
        mvnLogProb = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, ArrayView<double>, double>(MvnRowKernels.LogProb);
        mvnLogProbRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>, double>(MvnRowKernels.LogProbRows);
        mvnEntropy = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, int, double>(MvnRowKernels.Entropy);
        mvnSolveTransposed = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(MvnRowKernels.SolveTransposed);
        mvnLogProbBackwardX = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(MvnRowKernels.LogProbBackwardX);
        mvnLogProbBackwardMean = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int>(MvnRowKernels.LogProbBackwardMean);
        mvnLogProbBackwardFactor = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int>(MvnRowKernels.LogProbBackwardFactor);
        mvnEntropyBackward = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int>(MvnRowKernels.EntropyBackward);
        LoadTriangular(accelerator);
    }

    private static void CheckMvn(ArrayView<double> x, ArrayView<double> mean, ArrayView<double> l, ArrayView<double> logDet, int rows, int d, bool sharedMean)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        ArgumentOutOfRangeException.ThrowIfNegative(d);
        CheckLength(x.Length, (long)rows * d);
        CheckLength(mean.Length, sharedMean ? d : (long)rows * d);
        CheckLength(l.Length, (long)d * d);
        CheckLength(logDet.Length, 1);
    }
}
