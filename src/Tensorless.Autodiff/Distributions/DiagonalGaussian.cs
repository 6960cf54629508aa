using System.Runtime.CompilerServices;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Distributions;

/// <summary>
/// A batch of Gaussians with independent coordinates: mean [m x d] and log standard deviation [1 x d] (state-independent,
/// as SB3's and CleanRL's continuous PPO) or [m x d] (state-dependent). Parameterised by log-std, not by variance: the
/// seeds' <c>MultivariateNormal(mu, diag(exp(log_sigma)))</c> made <c>exp(log_sigma)</c> the variance (DESIGN.md, slip 4).
/// </summary>
public sealed class DiagonalGaussian : IDistribution
{
    private const string Name = nameof(DiagonalGaussian);
    private Tensor? _mean;
    private Tensor? _logStd;

    /// <summary>Creates an unbound distribution; call <see cref="Bind"/> before use.</summary>
    public DiagonalGaussian()
    {
    }

    /// <summary>Creates a distribution from mean [m x d] and log-std [1 x d] or [m x d].</summary>
    /// <exception cref="ArgumentException">The shapes do not line up, or a value is NaN.</exception>
    public DiagonalGaussian(Tensor mean, Tensor logStd) => Bind(mean, logStd);

    /// <summary>The mean [m x d].</summary>
    /// <exception cref="InvalidOperationException">The distribution is not bound.</exception>
    public Tensor Mean => _mean ?? ThrowUnbound();

    /// <summary>The log standard deviation, [1 x d] (shared by every row) or [m x d].</summary>
    /// <exception cref="InvalidOperationException">The distribution is not bound.</exception>
    public Tensor LogStd => _logStd ?? ThrowUnbound();

    /// <inheritdoc />
    public int BatchSize => Mean.Rows;

    /// <inheritdoc />
    public int ActionSize => Mean.Cols;

    /// <summary>Points this distribution at a new mean and log-std and returns it.</summary>
    /// <exception cref="ArgumentException">The log-std is not [1 x d] or [m x d], or a value is NaN.</exception>
    public DiagonalGaussian Bind(Tensor mean, Tensor logStd)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(logStd);
        if (logStd.Cols != mean.Cols || (logStd.Rows != 1 && logStd.Rows != mean.Rows))
        {
            throw new ArgumentException(
                $"{Name} needs a log-std of shape [1x{mean.Cols}] or [{mean.Rows}x{mean.Cols}] for a mean {mean.ShapeText}, got {logStd.ShapeText}.",
                nameof(logStd));
        }

        DistributionChecks.NoNaN(Name, "mean", mean);
        DistributionChecks.NoNaN(Name, "log-std", logStd);
        _mean = mean;
        _logStd = logStd;
        return this;
    }

    /// <summary>Draws <c>mean + exp(logStd) * eps</c> with <c>eps ~ N(0, 1)</c> per coordinate.</summary>
    /// <exception cref="ArgumentException">The span length is not m x d.</exception>
    public void Sample(Xoshiro256 rng, Span<double> actions)
    {
        ArgumentNullException.ThrowIfNull(rng);
        Tensor mean = Mean, logStd = LogStd;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, mean.Length, mean.Rows, mean.Cols);
        rng.FillGaussian(actions);
        GaussianKernels.ScaleNoise(mean.Data, logStd.Data, actions, mean.Cols, shared: logStd.Rows == 1);
    }

    /// <summary>Writes the mean (the mode of a Gaussian).</summary>
    /// <exception cref="ArgumentException">The span length is not m x d.</exception>
    public void Mode(Span<double> actions)
    {
        var mean = Mean;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, mean.Length, mean.Rows, mean.Cols);
        mean.Data.CopyTo(actions);
    }

    /// <summary>Writes <c>sum_j -z_j^2 / 2 - logStd_j - log(2 pi) / 2</c> with <c>z = (a - mean) / exp(logStd)</c> per row.</summary>
    /// <exception cref="ArgumentException">A length does not match, or an action is NaN.</exception>
    public void LogProb(ReadOnlySpan<double> actions, Span<double> logProb)
    {
        Tensor mean = Mean, logStd = LogStd;
        DistributionChecks.Length(Name, nameof(actions), actions.Length, mean.Length, mean.Rows, mean.Cols);
        DistributionChecks.Length(Name, nameof(logProb), logProb.Length, mean.Rows, mean.Rows, 1);
        DistributionChecks.NoNaN(Name, actions);
        GaussianKernels.LogProb(mean.Data, logStd.Data, actions, logProb, mean.Cols, shared: logStd.Rows == 1);
    }

    /// <summary>Writes <c>sum_j (1/2 + log(2 pi)/2 + logStd_j)</c> per row.</summary>
    /// <exception cref="ArgumentException">The span length is not m.</exception>
    public void Entropy(Span<double> entropy)
    {
        Tensor mean = Mean, logStd = LogStd;
        DistributionChecks.Length(Name, nameof(entropy), entropy.Length, mean.Rows, mean.Rows, 1);
        GaussianKernels.Entropy(logStd.Data, entropy, mean.Cols, shared: logStd.Rows == 1);
    }

    /// <summary>Log-densities [m x 1] of actions [m x d] through the tape's fused <see cref="Tape.GaussianLogProb"/>.</summary>
    /// <exception cref="ArgumentException">The actions are not [m x d].</exception>
    public Tensor LogProb(Tape tape, Tensor actions)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(actions);
        return tape.GaussianLogProb(Mean, LogStd, actions);
    }

    /// <summary>
    /// Entropies [m x 1] through <see cref="Tape.GaussianEntropy"/>; a shared [1 x d] log-std gives one value, which is
    /// broadcast to every row with a bias add so that the log-std's gradient sums over the batch.
    /// </summary>
    public Tensor Entropy(Tape tape)
    {
        ArgumentNullException.ThrowIfNull(tape);
        Tensor mean = Mean, logStd = LogStd;
        var h = tape.GaussianEntropy(logStd);
        return h.Rows == mean.Rows ? h : tape.AddBias(tape.Workspace.Allocate(mean.Rows, 1), h);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Tensor ThrowUnbound()
    {
        DistributionChecks.ThrowUnbound(Name);
        return null!;
    }
}
