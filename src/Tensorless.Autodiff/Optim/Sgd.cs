using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Optim;

/// <summary>
/// Stochastic gradient descent with <c>torch.optim.SGD</c>'s momentum: <c>g += weight_decay * p</c>; with momentum,
/// <c>buf = g</c> on the first step and <c>buf = momentum buf + (1 - dampening) g</c> after, then <c>g = buf</c>, or
/// <c>g = g + momentum buf</c> with Nesterov; finally <c>p -= lr g</c>. (This is Sutskever et al.'s form, where the
/// learning rate multiplies the buffer, not the form in Polyak's paper.) The per-parameter arithmetic is
/// <see cref="OptimizerKernels.SgdStep"/>. State exports as <c>sgd.step</c> and
/// <c>sgd.momentum_buffer.NAME</c>.
/// </summary>
public sealed class Sgd : IOptimizer
{
    private const string Prefix = "sgd";
    private readonly Parameter[] _parameters;
    private readonly double[][] _momentumBuffer;
    private readonly double[] _scratch;
    private double _learningRate;

    /// <summary>Creates the optimizer.</summary>
    /// <param name="parameters">Parameters to optimise.</param>
    /// <param name="learningRate">Step size, non-negative.</param>
    /// <param name="momentum">Momentum factor in [0, 1); 0 is plain SGD.</param>
    /// <param name="dampening">Damping of the gradient added to the momentum buffer, in [0, 1].</param>
    /// <param name="nesterov">Nesterov momentum; needs momentum &gt; 0 and dampening 0, as in PyTorch.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, non-negative.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names it), or a parameter is repeated.</exception>
    public Sgd(IReadOnlyList<Parameter> parameters, double learningRate = 1e-3, double momentum = 0.0, double dampening = 0.0, bool nesterov = false, double weightDecay = 0.0)
    {
        LearningRate = learningRate;
        Momentum = OptimizerState.UnitInterval(momentum, nameof(momentum));
        if (!(dampening >= 0 && dampening <= 1))
        {
            throw new ArgumentException($"dampening must be in [0, 1], got {dampening}.", nameof(dampening));
        }

        if (nesterov && (momentum <= 0 || dampening != 0))
        {
            throw new ArgumentException($"nesterov needs momentum > 0 and dampening 0, got momentum {momentum} and dampening {dampening}.", nameof(nesterov));
        }

        Dampening = dampening;
        Nesterov = nesterov;
        WeightDecay = OptimizerState.NonNegative(weightDecay, nameof(weightDecay));
        _parameters = OptimizerState.Snapshot(parameters);
        _momentumBuffer = OptimizerState.Buffers(_parameters);
        _scratch = new double[_parameters.Length == 0 ? 0 : _parameters.Max(p => p.Length)];
    }

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerState.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>Momentum factor (0: none).</summary>
    public double Momentum { get; }

    /// <summary>Damping of the gradient entering the momentum buffer.</summary>
    public double Dampening { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>L2 penalty coefficient added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public void Step()
    {
        bool first = StepCount == 0;
        StepCount++;
        for (int k = 0; k < _parameters.Length; k++)
        {
            var p = _parameters[k];
            OptimizerKernels.SgdStep(p.Data, p.Grad, _momentumBuffer[k], _scratch.AsSpan(0, p.Length), _learningRate, Momentum, Dampening, Nesterov, WeightDecay, first);
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
        OptimizerState.Export(Prefix, StepCount, _parameters, ("momentum_buffer", _momentumBuffer));

    /// <inheritdoc />
    public void ImportState(IReadOnlyDictionary<string, double[]> state) =>
        StepCount = OptimizerState.Import(state, Prefix, _parameters, ("momentum_buffer", _momentumBuffer));
}
