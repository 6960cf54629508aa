using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// Device bodies of the full-covariance multivariate normal's maths (<c>Tensorless.Autodiff.Kernels.MvnKernels</c>) for
/// x [rows x d], mean [rows x d] or [1 x d] (<c>sharedMean</c> = 1) and one Cholesky factor L [d x d] shared by all rows,
/// in the CPU loop's order of operations. <c>sum_j log L_jj</c> is read from a one-element view (written by
/// <see cref="TriangularRowKernels.LogDiagonal"/>) so it never leaves the device. Row kernels take one thread per row and
/// run the row's triangular solve sequentially in a [rows x d] view; gradients summed over rows into a shared parameter
/// (L's, a shared mean's) take one thread per output element that adds the rows in order, as the CPU's row-outer loop
/// does, so no atomics are needed and the bits are the CPU's.
/// </summary>
internal static class MvnRowKernels
{
    // MvnKernels.LogProb: z_r = L^-1 (x_r - mu_r) kept in z, dst[r] = -|z_r|^2 / 2 - logDet - d log(2 pi) / 2
    public static void LogProb(
        Index1D r, ArrayView<double> x, ArrayView<double> mean, ArrayView<double> l, ArrayView<double> z, ArrayView<double> dst,
        int d, int sharedMean, ArrayView<double> logDet, double halfLog2Pi)
    {
        int o = r * d;
        int mo = sharedMean != 0 ? 0 : o;
        for (int j = 0; j < d; j++)
        {
            z[o + j] = x[o + j] - mean[mo + j];
        }

        TriangularRowKernels.ForwardSubstitute(l, z, o, d);
        dst[r] = (-0.5 * SumOfSquares(z, o, d)) - logDet[0] - (d * halfLog2Pi);
    }

    // MvnKernels.LogProbRows: the constant folded first, c = logDet + d log(2 pi) / 2; z_r in row r of scratch
    public static void LogProbRows(
        Index1D r, ArrayView<double> x, ArrayView<double> mean, ArrayView<double> l, ArrayView<double> scratch, ArrayView<double> dst,
        int d, ArrayView<double> logDet, double halfLog2Pi)
    {
        double constant = logDet[0] + (d * halfLog2Pi);
        int o = r * d;
        for (int j = 0; j < d; j++)
        {
            scratch[o + j] = x[o + j] - mean[o + j];
        }

        TriangularRowKernels.ForwardSubstitute(l, scratch, o, d);
        dst[r] = (-0.5 * SumOfSquares(scratch, o, d)) - constant;
    }

    // MvnKernels.Entropy, written into every row (the covariance is shared)
    public static void Entropy(Index1D r, ArrayView<double> logDet, ArrayView<double> dst, int d, double halfLog2Pi) =>
        dst[r] = (d * (0.5 + halfLog2Pi)) + logDet[0];

    // the backward pass's u_r = L^-T z_r, one thread per row, into row r of u
    public static void SolveTransposed(Index1D r, ArrayView<double> l, ArrayView<double> z, ArrayView<double> u, int d)
    {
        int o = r * d;
        for (int j = 0; j < d; j++)
        {
            u[o + j] = z[o + j];
        }

        TriangularRowKernels.BackSubstituteTransposed(l, u, o, d);
    }

    // one thread per x element: gx[r, j] -= g[r] u[r, j]
    public static void LogProbBackwardX(Index1D i, ArrayView<double> g, ArrayView<double> u, ArrayView<double> gx, int d) =>
        gx[i] -= g[i / d] * u[i];

    // one thread per mean element: gMean += g[r] u[r, j], over every row in order when the mean is shared
    public static void LogProbBackwardMean(Index1D s, ArrayView<double> g, ArrayView<double> u, ArrayView<double> gMean, int rows, int d, int sharedMean)
    {
        int first = sharedMean != 0 ? 0 : s / d;
        int last = sharedMean != 0 ? rows : first + 1;
        int j = s - ((s / d) * d);
        double acc = gMean[s];
        for (int r = first; r < last; r++)
        {
            acc += g[r] * u[(r * d) + j];
        }

        gMean[s] = acc;
    }

    // one thread per element of L's lower triangle, rows in order: gL[i, j] += g u_i z_j, then gL[i, i] -= g / L_ii
    public static void LogProbBackwardFactor(
        Index1D e, ArrayView<double> g, ArrayView<double> l, ArrayView<double> z, ArrayView<double> u, ArrayView<double> gL, int rows, int d)
    {
        int i = e / d;
        int j = e - (i * d);
        if (j > i)
        {
            return;
        }

        double acc = gL[e];
        for (int r = 0; r < rows; r++)
        {
            double gr = g[r];
            acc += gr * u[(r * d) + i] * z[(r * d) + j];
            if (i == j)
            {
                acc -= gr / l[e];
            }
        }

        gL[e] = acc;
    }

    // dH / dL_jj = 1 / L_jj, one thread per diagonal entry: gL[j, j] += g[0] / L_jj
    public static void EntropyBackward(Index1D j, ArrayView<double> g, ArrayView<double> l, ArrayView<double> gL, int d) =>
        gL[(j * d) + j] += g[0] / l[(j * d) + j];

    private static double SumOfSquares(ArrayView<double> z, int o, int d)
    {
        double sq = 0;
        for (int j = 0; j < d; j++)
        {
            sq += z[o + j] * z[o + j];
        }

        return sq;
    }
}
