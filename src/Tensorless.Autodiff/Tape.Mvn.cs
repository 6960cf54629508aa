using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>
    /// Log-density of x [m x d] under a multivariate normal with mean [m x d] (or [1 x d], shared) and covariance
    /// <c>L L^T</c>, where <paramref name="choleskyFactor"/> L [d x d] is lower triangular with a positive diagonal (its
    /// upper triangle is ignored): <c>out[i] = -|L^-1 (x_i - mu_i)|^2 / 2 - sum_j log L_jj - d log(2 pi) / 2</c>.
    /// Differentiates with respect to x, the mean and the factor.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not line up, or a diagonal entry of L is not positive and finite.</exception>
    public Tensor MvnLogProb(Tensor x, Tensor mean, Tensor choleskyFactor)
    {
        int d = x.Cols;
        if (mean.Cols != d || (mean.Rows != 1 && mean.Rows != x.Rows))
        {
            throw new ArgumentException($"MvnLogProb needs a mean of shape [1x{d}] or [{x.Rows}x{d}] for x {x.ShapeText}, got {mean.ShapeText}.");
        }

        double logDet = CholeskyLogDiagonal(nameof(MvnLogProb), choleskyFactor, d);
        var y = Output(x.Rows, 1, x.RequiresGrad || mean.RequiresGrad || choleskyFactor.RequiresGrad);

        // z_i = L^-1 (x_i - mu_i), kept for the backward pass
        var z = Workspace.Allocate(x.Rows, d);
        MvnKernels.LogProb(x.Data, mean.Data, choleskyFactor.Data, z.Data, y.Data, d, sharedMean: mean.Rows == 1, logDet);
        Record(OpKind.MvnLogProb, y, x, mean, choleskyFactor, z);
        return y;
    }

    /// <summary>
    /// Entropy of a multivariate normal with covariance <c>L L^T</c>: <c>d (1 + log(2 pi)) / 2 + sum_j log L_jj</c>, as 1 x 1.
    /// </summary>
    /// <exception cref="ArgumentException">L is not square, or a diagonal entry is not positive and finite.</exception>
    public Tensor MvnEntropy(Tensor choleskyFactor)
    {
        int d = choleskyFactor.Rows;
        double logDet = CholeskyLogDiagonal(nameof(MvnEntropy), choleskyFactor, d);
        var y = Output(1, 1, choleskyFactor.RequiresGrad);
        y.Data[0] = MvnKernels.Entropy(d, logDet);
        Record(OpKind.MvnEntropy, y, choleskyFactor);
        return y;
    }

    // with u = L^-T z: d/dmu = u, d/dx = -u, d/dL = tril(u z^T) - diag(1 / L_jj)
    private static void BackwardMvnLogProb(ref Node node)
    {
        Tensor x = node.A!, mean = node.B!, factor = node.C!, z = node.D!;
        int d = x.Cols;
        Span<double> u = d <= 64 ? stackalloc double[d] : new double[d];
        MvnKernels.AccumulateLogProbBackward(
            node.Out.Grad, factor.Data, z.Data, u,
            x.RequiresGrad ? x.Grad : default, mean.RequiresGrad ? mean.Grad : default, factor.RequiresGrad ? factor.Grad : default,
            d, sharedMean: mean.Rows == 1);
    }

    // dH / dL_jj = 1 / L_jj
    private static void BackwardMvnEntropy(ref Node node)
    {
        var factor = node.A!;
        MvnKernels.AccumulateEntropyBackward(node.Out.Grad[0], factor.Data, factor.Grad, factor.Rows);
    }

    /// <summary>sum_j log L_jj after checking that L is d x d with a positive, finite diagonal.</summary>
    private static double CholeskyLogDiagonal(string op, Tensor factor, int d)
    {
        if (factor.Rows != d || factor.Cols != d)
        {
            throw new ArgumentException($"{op} needs a square Cholesky factor of shape [{d}x{d}], got {factor.ShapeText}.");
        }

        var l = factor.Data;
        int bad = TriangularKernels.FirstInvalidDiagonal(l, d);
        if (bad >= 0)
        {
            throw new ArgumentException($"{op} needs a Cholesky factor with a positive, finite diagonal; L[{bad},{bad}] = {l[bad * d + bad]}.");
        }

        return TriangularKernels.LogDiagonal(l, d);
    }
}
