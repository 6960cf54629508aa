using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Optim;

/// <summary>
/// RMSprop (Hinton's lecture 6e) with <c>torch.optim.RMSprop</c>'s update, non-centered and without momentum:
/// <c>g += weight_decay * p</c>; <c>square_avg = alpha square_avg + (1 - alpha) g^2</c>;
/// <c>p -= lr g / (sqrt(square_avg) + eps)</c>. Note eps is added outside the square root, as PyTorch does (TensorFlow
/// adds it inside); SB3's A2C therefore passes alpha 0.99 and eps 1e-5 to match its TF origin closely.
/// The per-parameter arithmetic is <see cref="OptimizerKernels.RmsPropStep"/>.
/// State exports as <c>rmsprop.step</c> and <c>rmsprop.square_avg.NAME</c>.
/// </summary>
public sealed class RmsProp : IOptimizer
{
    private const string Prefix = "rmsprop";
    private readonly Parameter[] _parameters;
    private readonly double[][] _squareAvg;
    private double _learningRate;

    /// <summary>Creates the optimizer; defaults are PyTorch's (SB3's A2C: lr 7e-4, alpha 0.99, eps 1e-5).</summary>
    /// <param name="parameters">Parameters to optimise.</param>
    /// <param name="learningRate">Step size, non-negative.</param>
    /// <param name="alpha">Decay of the squared-gradient average, in [0, 1).</param>
    /// <param name="eps">Added to the root for stability, positive.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, non-negative.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names it), or a parameter is repeated.</exception>
    public RmsProp(IReadOnlyList<Parameter> parameters, double learningRate = 1e-2, double alpha = 0.99, double eps = 1e-8, double weightDecay = 0.0)
    {
        LearningRate = learningRate;
        Alpha = OptimizerState.UnitInterval(alpha, nameof(alpha));
        Eps = OptimizerState.Positive(eps, nameof(eps));
        WeightDecay = OptimizerState.NonNegative(weightDecay, nameof(weightDecay));
        _parameters = OptimizerState.Snapshot(parameters);
        _squareAvg = OptimizerState.Buffers(_parameters);
    }

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerState.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>Decay rate of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>Denominator stabiliser, added after the square root.</summary>
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
        for (int k = 0; k < _parameters.Length; k++)
        {
            var p = _parameters[k];
            OptimizerKernels.RmsPropStep(p.Data, p.Grad, _squareAvg[k], _learningRate, Alpha, Eps, WeightDecay);
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
        OptimizerState.Export(Prefix, StepCount, _parameters, ("square_avg", _squareAvg));

    /// <inheritdoc />
    public void ImportState(IReadOnlyDictionary<string, double[]> state) =>
        StepCount = OptimizerState.Import(state, Prefix, _parameters, ("square_avg", _squareAvg));
}
