using System.Runtime.CompilerServices;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Distributions;

/// <summary>
/// A batch of multivariate normals with mean [m x d] (or [1 x d]) and one full covariance <c>Sigma = L L^T</c> given by
/// its lower-triangular Cholesky factor L [d x d] with a positive diagonal (the upper triangle is ignored). Use
/// <see cref="CholeskyFactor.FromUnconstrained(Tape, Tensor)"/> to get a valid L from an unconstrained trainable
/// parameter. The log-density and entropy go through the tape's fused <see cref="Tape.MvnLogProb"/> and
/// <see cref="Tape.MvnEntropy"/>, so gradients reach both the mean and L.
/// </summary>
public sealed class MultivariateNormal : IDistribution
{
    private const string Name = nameof(MultivariateNormal);
    private const int StackLimit = 64;
    private Tensor? _mean;
    private Tensor? _factor;
    private double[] _scratch = [];

    /// <summary>Creates an unbound distribution; call <see cref="Bind"/> before use.</summary>
    public MultivariateNormal()
    {
    }

    /// <summary>Creates a distribution from mean [m x d] and Cholesky factor L [d x d].</summary>
    /// <exception cref="ArgumentException">The shapes do not line up, a value is NaN, or a diagonal entry of L is not positive and finite.</exception>
    public MultivariateNormal(Tensor mean, Tensor choleskyFactor) => Bind(mean, choleskyFactor);

    /// <summary>The mean [m x d].</summary>
    /// <exception cref="InvalidOperationException">The distribution is not bound.</exception>
    public Tensor Mean => _mean ?? ThrowUnbound();

    /// <summary>The lower-triangular Cholesky factor L [d x d] of the covariance.</summary>
    /// <exception cref="InvalidOperationException">The distribution is not bound.</exception>
    public Tensor CholeskyFactor => _factor ?? ThrowUnbound();

    /// <inheritdoc />
    public int BatchSize => Mean.Rows;

    /// <inheritdoc />
    public int ActionSize => Mean.Cols;

    /// <summary>Points this distribution at a new mean and factor and returns it.</summary>
    /// <exception cref="ArgumentException">L is not [d x d], a value is NaN, or a diagonal entry of L is not positive and finite.</exception>
    public MultivariateNormal Bind(Tensor mean, Tensor choleskyFactor)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(choleskyFactor);
        int d = mean.Cols;
        if (choleskyFactor.Rows != d || choleskyFactor.Cols != d)
        {
            throw new ArgumentException(
                $"{Name} needs a Cholesky factor of shape [{d}x{d}] for a mean {mean.ShapeText}, got {choleskyFactor.ShapeText}.",
                nameof(choleskyFactor));
        }

        DistributionChecks.NoNaN(Name, "mean", mean);
        var l = choleskyFactor.Data;
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                if (double.IsNaN(l[i * d + j]))
                {
                    throw new ArgumentException($"{Name}: the Cholesky factor {choleskyFactor.ShapeText} holds NaN at L[{i},{j}].", nameof(choleskyFactor));
                }
            }

            double diag = l[i * d + i];
            if (!(diag > 0) || double.IsInfinity(diag))
            {
                throw new ArgumentException(
                    $"{Name} needs a Cholesky factor with a positive, finite diagonal; L[{i},{i}] = {diag}.", nameof(choleskyFactor));
            }
        }

        if (d > StackLimit && _scratch.Length < d)
        {
            _scratch = new double[d];
        }

        _mean = mean;
        _factor = choleskyFactor;
        return this;
    }

    /// <summary>Draws <c>mean + L z</c> with <c>z ~ N(0, I)</c> per row, so the draws have covariance <c>L L^T</c>.</summary>
    /// <exception cref="ArgumentException">The span length is not m x d.</exception>
    public void Sample(Xoshiro256 rng, Span<double> actions)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Tensor mean = Mean, factor = CholeskyFactor;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, mean.Length, mean.Rows, mean.Cols);
        rng.FillGaussian(actions);
        var md = mean.Data;
        var l = factor.Data;
        int d = mean.Cols;
        for (int r = 0; r < mean.Rows; r++)
        {
            TriangularKernels.MultiplyAddInPlace(l, md.Slice(r * d, d), actions.Slice(r * d, d), d);
        }
    }

    /// <summary>Writes the mean (the mode of a normal).</summary>
    /// <exception cref="ArgumentException">The span length is not m x d.</exception>
    public void Mode(Span<double> actions)
    {
        var mean = Mean;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, mean.Length, mean.Rows, mean.Cols);
        mean.Data.CopyTo(actions);
    }

    /// <summary>Writes <c>-|L^-1 (x - mean)|^2 / 2 - sum_j log L_jj - d log(2 pi) / 2</c> per row.</summary>
    /// <exception cref="ArgumentException">A length does not match, or an action is NaN.</exception>
    public void LogProb(ReadOnlySpan<double> actions, Span<double> logProb)
    {
        Tensor mean = Mean, factor = CholeskyFactor;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, mean.Length, mean.Rows, mean.Cols);
        DistributionChecks.Length(Name, nameof(logProb), logProb.Length, mean.Rows, mean.Rows, 1);
        DistributionChecks.NoNaN(Name, actions);
        int d = mean.Cols;
        var l = factor.Data;
        Span<double> z = d <= StackLimit ? stackalloc double[d] : _scratch.AsSpan(0, d);
        MvnKernels.LogProbRows(actions, mean.Data, l, z, logProb, d, TriangularKernels.LogDiagonal(l, d));
    }

    /// <summary>Writes <c>d (1 + log(2 pi)) / 2 + sum_j log L_jj</c> into every row (the covariance is shared).</summary>
    /// <exception cref="ArgumentException">The span length is not m.</exception>
    public void Entropy(Span<double> entropy)
    {
        Tensor mean = Mean, factor = CholeskyFactor;
        DistributionChecks.Length(Name, nameof(entropy), entropy.Length, mean.Rows, mean.Rows, 1);
        int d = mean.Cols;
        entropy.Fill(MvnKernels.Entropy(d, TriangularKernels.LogDiagonal(factor.Data, d)));
    }

    /// <summary>
    /// Log-densities [n x 1] of actions [n x d] through <see cref="Tape.MvnLogProb"/>; n equals m, or is any count when the
    /// mean is a shared [1 x d].
    /// </summary>
    /// <exception cref="ArgumentException">The actions' shape does not match the mean.</exception>
    public Tensor LogProb(Tape tape, Tensor actions)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(actions);
        return tape.MvnLogProb(actions, Mean, CholeskyFactor);
    }

    /// <summary>
    /// Entropies [m x 1] through <see cref="Tape.MvnEntropy"/>; its single value is broadcast to every row with a bias add,
    /// so L's gradient sums over the batch.
    /// </summary>
    public Tensor Entropy(Tape tape)
    {
        ArgumentNullException.ThrowIfNull(tape);
        Tensor mean = Mean;
        var h = tape.MvnEntropy(CholeskyFactor);
        return mean.Rows == 1 ? h : tape.AddBias(tape.Workspace.Allocate(mean.Rows, 1), h);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Tensor ThrowUnbound()
    {
        DistributionChecks.ThrowUnbound(Name);
        return null!;
    }
}
