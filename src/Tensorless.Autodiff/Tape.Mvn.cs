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
        var xd = x.Data;
        var md = mean.Data;
        var zd = z.Data;
        var l = choleskyFactor.Data;
        bool shared = mean.Rows == 1;
        for (int r = 0; r < x.Rows; r++)
        {
            var zr = zd.Slice(r * d, d);
            int mo = shared ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                zr[j] = xd[r * d + j] - md[mo + j];
            }

            ForwardSubstitute(l, zr, d);
            double sq = 0;
            for (int j = 0; j < d; j++)
            {
                sq += zr[j] * zr[j];
            }

            y.Data[r] = -0.5 * sq - logDet - d * HalfLog2Pi;
        }

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
        y.Data[0] = d * (0.5 + HalfLog2Pi) + logDet;
        Record(OpKind.MvnEntropy, y, choleskyFactor);
        return y;
    }

    // with u = L^-T z: d/dmu = u, d/dx = -u, d/dL = tril(u z^T) - diag(1 / L_jj)
    private static void BackwardMvnLogProb(ref Node node)
    {
        Tensor x = node.A!, mean = node.B!, factor = node.C!, z = node.D!;
        int d = x.Cols;
        var g = node.Out.Grad;
        var l = factor.Data;
        var zd = z.Data;
        Span<double> gx = x.RequiresGrad ? x.Grad : default;
        Span<double> gm = mean.RequiresGrad ? mean.Grad : default;
        Span<double> gl = factor.RequiresGrad ? factor.Grad : default;
        bool shared = mean.Rows == 1;
        Span<double> u = d <= 64 ? stackalloc double[d] : new double[d];
        for (int r = 0; r < x.Rows; r++)
        {
            var zr = zd.Slice(r * d, d);
            zr.CopyTo(u);
            BackSubstituteTransposed(l, u, d);
            double gr = g[r];
            int mo = shared ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                if (!gx.IsEmpty)
                {
                    gx[r * d + j] -= gr * u[j];
                }

                if (!gm.IsEmpty)
                {
                    gm[mo + j] += gr * u[j];
                }
            }

            if (!gl.IsEmpty)
            {
                for (int i = 0; i < d; i++)
                {
                    for (int j = 0; j <= i; j++)
                    {
                        gl[i * d + j] += gr * u[i] * zr[j];
                    }

                    gl[i * d + i] -= gr / l[i * d + i];
                }
            }
        }
    }

    // dH / dL_jj = 1 / L_jj
    private static void BackwardMvnEntropy(ref Node node)
    {
        var factor = node.A!;
        int d = factor.Rows;
        double g = node.Out.Grad[0];
        var gl = factor.Grad;
        var l = factor.Data;
        for (int j = 0; j < d; j++)
        {
            gl[j * d + j] += g / l[j * d + j];
        }
    }

    /// <summary>Solves L v = b in place (b is overwritten by v) for lower-triangular L [d x d].</summary>
    internal static void ForwardSubstitute(ReadOnlySpan<double> l, Span<double> b, int d)
    {
        for (int i = 0; i < d; i++)
        {
            double s = b[i];
            for (int j = 0; j < i; j++)
            {
                s -= l[i * d + j] * b[j];
            }

            b[i] = s / l[i * d + i];
        }
    }

    /// <summary>Solves L^T v = b in place for lower-triangular L [d x d].</summary>
    internal static void BackSubstituteTransposed(ReadOnlySpan<double> l, Span<double> b, int d)
    {
        for (int i = d - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int j = i + 1; j < d; j++)
            {
                s -= l[j * d + i] * b[j];
            }

            b[i] = s / l[i * d + i];
        }
    }

    /// <summary>sum_j log L_jj after checking that L is d x d with a positive, finite diagonal.</summary>
    private static double CholeskyLogDiagonal(string op, Tensor factor, int d)
    {
        if (factor.Rows != d || factor.Cols != d)
        {
            throw new ArgumentException($"{op} needs a square Cholesky factor of shape [{d}x{d}], got {factor.ShapeText}.");
        }

        var l = factor.Data;
        double sum = 0;
        for (int j = 0; j < d; j++)
        {
            double v = l[j * d + j];
            if (!(v > 0) || double.IsInfinity(v))
            {
                throw new ArgumentException($"{op} needs a Cholesky factor with a positive, finite diagonal; L[{j},{j}] = {v}.");
            }

            sum += Math.Log(v);
        }

        return sum;
    }
}
