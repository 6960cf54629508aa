using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Optim;

/// <summary>
/// Adam (Kingma and Ba, 2015) following <c>torch.optim.Adam</c>'s single-tensor update step by step, so a run can be
/// compared with PyTorch's: at step t,
/// <c>g += weight_decay * p</c> (L2, not AdamW's decoupled decay);
/// <c>m = lerp(m, g, 1 - beta1)</c> (= beta1 m + (1 - beta1) g, computed as PyTorch's <c>lerp_</c>);
/// <c>v = beta2 v + (1 - beta2) g^2</c>;
/// <c>denom = sqrt(v) / sqrt(1 - beta2^t) + eps</c>;
/// <c>p -= lr / (1 - beta1^t) * m / denom</c>.
/// The per-parameter arithmetic is <see cref="OptimizerKernels.AdamStep"/>; this class owns the moments, step count and options.
/// State exports as <c>adam.step</c>, <c>adam.exp_avg.NAME</c> and <c>adam.exp_avg_sq.NAME</c>.
/// </summary>
public sealed class Adam : IOptimizer
{
    private const string Prefix = "adam";
    private readonly Parameter[] _parameters;
    private readonly double[][] _expAvg;
    private readonly double[][] _expAvgSq;
    private double _learningRate;

    /// <summary>Creates the optimizer; the defaults are PyTorch's (SB3's PPO uses lr 3e-4 and eps 1e-8, CleanRL eps 1e-5).</summary>
    /// <param name="parameters">Parameters to optimise (typically a module's <c>ParameterSet</c>).</param>
    /// <param name="learningRate">Step size, non-negative.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="eps">Added to the denominator for stability, positive.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, non-negative.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names it), or a parameter is repeated.</exception>
    public Adam(IReadOnlyList<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.0)
    {
        LearningRate = learningRate;
        Beta1 = OptimizerState.UnitInterval(beta1, nameof(beta1));
        Beta2 = OptimizerState.UnitInterval(beta2, nameof(beta2));
        Eps = OptimizerState.Positive(eps, nameof(eps));
        WeightDecay = OptimizerState.NonNegative(weightDecay, nameof(weightDecay));
        _parameters = OptimizerState.Snapshot(parameters);
        _expAvg = OptimizerState.Buffers(_parameters);
        _expAvgSq = OptimizerState.Buffers(_parameters);
    }

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerState.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>Decay rate of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay rate of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator stabiliser.</summary>
    public double Eps { get; }

    /// <summary>L2 penalty coefficient added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public void Step()
    {
        StepCount++;
        double biasCorrection1 = 1.0 - Math.Pow(Beta1, StepCount);
        double biasCorrection2 = 1.0 - Math.Pow(Beta2, StepCount);
        for (int k = 0; k < _parameters.Length; k++)
        {
            var p = _parameters[k];
            OptimizerKernels.AdamStep(p.Data, p.Grad, _expAvg[k], _expAvgSq[k], _learningRate, Beta1, Beta2, Eps, biasCorrection1, biasCorrection2, WeightDecay);
        }
    }

    /// <inheritdoc />
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            p.ZeroGrad();
        }
    }

    /// <inheritdoc />
    public Dictionary<string, double[]> ExportState() =>
        OptimizerState.Export(Prefix, StepCount, _parameters, ("exp_avg", _expAvg), ("exp_avg_sq", _expAvgSq));

    /// <inheritdoc />
    public void ImportState(IReadOnlyDictionary<string, double[]> state) =>
        StepCount = OptimizerState.Import(state, Prefix, _parameters, ("exp_avg", _expAvg), ("exp_avg_sq", _expAvgSq));
}
