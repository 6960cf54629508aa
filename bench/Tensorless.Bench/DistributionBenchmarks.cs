using BenchmarkDotNet.Attributes;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Distributions;

namespace Tensorless.Bench;

/// <summary>
/// The rollout path of each distribution at batch 16 (16 envs): bind to the head's output, sample one action per row,
/// score it. No tape; steady state must allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class DistributionBenchmarks
{
    private const int Batch = 16;
    private readonly Categorical _categorical = new();
    private readonly DiagonalGaussian _gaussian = new();
    private readonly MultivariateNormal _mvn = new();
    private readonly double[] _discrete = new double[Batch];
    private readonly double[] _continuous = new double[Batch * 3];
    private readonly double[] _logProb = new double[Batch];
    private Xoshiro256 _rng = null!;
    private Tensor _logits = null!, _mean = null!, _logStd = null!, _factor = null!;

    /// <summary>Fills the parameters from a fixed seed.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _rng = new Xoshiro256(1);
        _logits = new Tensor(Batch, 2);
        _mean = new Tensor(Batch, 3);
        _logStd = new Tensor(1, 3);
        _factor = Tensor.FromValues(3, 3, [1.0, 0, 0, 0.2, 0.8, 0, -0.1, 0.3, 0.5]);
        _rng.FillUniform(_logits.Data, -1, 1);
        _rng.FillUniform(_mean.Data, -1, 1);
        _rng.FillUniform(_logStd.Data, -1, 0);
    }

    /// <summary>Categorical over 2 actions (CartPole): sample and log-prob.</summary>
    [Benchmark(Baseline = true)]
    public double CategoricalSampleLogProb()
    {
        _categorical.Bind(_logits).Sample(_rng, _discrete);
        _categorical.LogProb(_discrete, _logProb);
        return _logProb[0];
    }

    /// <summary>Diagonal Gaussian in 3 dimensions with a shared log-std: sample and log-prob.</summary>
    [Benchmark]
    public double GaussianSampleLogProb()
    {
        _gaussian.Bind(_mean, _logStd).Sample(_rng, _continuous);
        _gaussian.LogProb(_continuous, _logProb);
        return _logProb[0];
    }

    /// <summary>Full-covariance normal in 3 dimensions: sample and log-prob.</summary>
    [Benchmark]
    public double MvnSampleLogProb()
    {
        _mvn.Bind(_mean, _factor).Sample(_rng, _continuous);
        _mvn.LogProb(_continuous, _logProb);
        return _logProb[0];
    }
}
