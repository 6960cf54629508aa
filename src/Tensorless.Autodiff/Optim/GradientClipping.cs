using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Optim;

/// <summary>Gradient clipping as PyTorch's <c>torch.nn.utils.clip_grad_norm_</c> does it (PPO's <c>max_grad_norm</c>).</summary>
public static class GradientClipping
{
    /// <summary>
    /// Scales all gradients together so that their global L2 norm is at most <paramref name="maxNorm"/>: with
    /// total = sqrt(sum over parameters of |grad|^2) and coef = maxNorm / (total + 1e-6), every gradient is multiplied by
    /// coef when coef &lt; 1 and left alone otherwise (the 1e-6 is PyTorch's, so a clipped norm lands just under the limit).
    /// A NaN total leaves the gradients as they are; the caller sees it in the return value. Allocates nothing.
    /// </summary>
    /// <returns>The total norm before clipping (what SB3 and CleanRL log).</returns>
    /// <exception cref="ArgumentException"><paramref name="maxNorm"/> is not positive (or is NaN).</exception>
    public static double ClipByGlobalNorm(IReadOnlyList<Parameter> parameters, double maxNorm)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(maxNorm > 0))
        {
            throw new ArgumentException($"maxNorm must be positive, got {maxNorm}.", nameof(maxNorm));
        }

        double total = GlobalNorm(parameters);
        double coef = maxNorm / (total + 1e-6);
        if (coef < 1.0)
        {
            for (int i = 0; i < parameters.Count; i++)
            {
                var g = parameters[i].Grad;
                ElementwiseKernels.Scale(g, coef, g);
            }
        }

        return total;
    }

    /// <summary>
    /// The L2 norm of all gradients taken as one vector, computed as PyTorch does: the norm of the per-parameter norms
    /// (which also keeps the partial sums in range for large models).
    /// </summary>
    public static double GlobalNorm(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        double sumSquares = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            sumSquares += OptimizerKernels.SquaredNorm(parameters[i].Grad);
        }

        return Math.Sqrt(sumSquares);
    }
}
