using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// Device bodies of the diagonal Gaussian's maths (<c>Tensorless.Autodiff.Kernels.GaussianKernels</c>) over mean
/// [rows x d] and log-std [1 x d] (<c>shared</c> = 1) or [rows x d], in the CPU loop's order of operations. Row kernels
/// take one thread per row; element kernels one per mean or log-std element. A log-std gradient shared by all rows is
/// one thread per column summing the rows in order, as the CPU's row-outer loop adds them.
/// </summary>
internal static class GaussianRowKernels
{
    public static void LogProb(Index1D r, ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions, ArrayView<double> dst, int d, int shared, double halfLog2Pi)
    {
        double sum = 0;
        int so = shared != 0 ? 0 : r * d;
        for (int j = 0; j < d; j++)
        {
            double z = (actions[(r * d) + j] - mean[(r * d) + j]) * Math.Exp(-logStd[so + j]);
            sum += (-0.5 * z * z) - logStd[so + j] - halfLog2Pi;
        }

        dst[r] = sum;
    }

    // one row of logStd per thread: [1 x d] gives the single entropy a shared log-std has
    public static void Entropy(Index1D r, ArrayView<double> logStd, ArrayView<double> dst, int d, double halfLog2Pi)
    {
        double sum = 0;
        for (int j = 0; j < d; j++)
        {
            sum += 0.5 + halfLog2Pi + logStd[(r * d) + j];
        }

        dst[r] = sum;
    }

    // one thread per mean element: gMean[i, j] += g[i] z / sigma
    public static void LogProbBackwardMean(Index1D i, ArrayView<double> g, ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions, ArrayView<double> gMean, int d, int shared)
    {
        int r = i / d;
        int s = shared != 0 ? i - (r * d) : i;
        double invSigma = Math.Exp(-logStd[s]);
        double z = (actions[i] - mean[i]) * invSigma;
        gMean[i] += g[r] * z * invSigma;
    }

    // one thread per log-std element: gLogStd += g[i] (z^2 - 1), over every row in order when the log-std is shared
    public static void LogProbBackwardLogStd(Index1D s, ArrayView<double> g, ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions, ArrayView<double> gLogStd, int rows, int d, int shared)
    {
        int first = shared != 0 ? 0 : s / d;
        int last = shared != 0 ? rows : first + 1;
        LogStdGradientAt(s, s - ((s / d) * d), first, last, g, mean, logStd, actions, gLogStd, d);
    }

    // log-std element s (column j) gains g[r] (z_rj^2 - 1) for rows first .. last - 1 in order: a kernel's body, and the
    // population's (each member's log-std over its own rows)
    public static void LogStdGradientAt(int s, int j, int first, int last, ArrayView<double> g, ArrayView<double> mean, ArrayView<double> logStd, ArrayView<double> actions, ArrayView<double> gLogStd, int d)
    {
        double invSigma = Math.Exp(-logStd[s]);
        double acc = gLogStd[s];
        for (int r = first; r < last; r++)
        {
            double z = (actions[(r * d) + j] - mean[(r * d) + j]) * invSigma;
            acc += g[r] * ((z * z) - 1.0);
        }

        gLogStd[s] = acc;
    }

    // dH / d logStd_j = 1: gLogStd[i, j] += g[i]
    public static void EntropyBackward(Index1D i, ArrayView<double> g, ArrayView<double> gLogStd, int d) => gLogStd[i] += g[i / d];
}
