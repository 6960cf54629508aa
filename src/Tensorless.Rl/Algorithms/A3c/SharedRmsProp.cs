using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Autodiff.Optim;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// The A3C paper's shared RMSprop (Mnih et al. 2016, section 4 and supplementary 7): one squared-gradient average per
/// parameter, shared by every worker, updated without a lock together with the parameters (Hogwild, Recht et al. 2011).
/// The update is <c>torch.optim.RMSprop</c>'s, as <see cref="RmsProp"/> does it, so the exported state means the same:
/// <c>square_avg = alpha square_avg + (1 - alpha) g^2</c>; <c>p -= lr g / (sqrt(square_avg) + eps)</c> (the paper puts
/// eps inside the root; PyTorch, SB3 and we put it outside). The difference from <see cref="RmsProp"/> is where the
/// gradient comes from: <see cref="Apply"/> reads a worker's own gradient buffer (its policy copy's parameters) and
/// writes the shared parameters, so K workers can step the same parameters at once. Concurrent steps may interleave
/// element by element and lose one another's writes to an element (doubles are written whole, never torn); that is
/// the paper's accepted race. Exported as <c>rmsprop.step</c> and <c>rmsprop.square_avg.NAME</c>, like <see cref="RmsProp"/>.
/// </summary>
internal sealed class SharedRmsProp : IOptimizer
{
    private readonly RmsProp _state;
    private readonly Parameter[] _parameters;
    private readonly double[][] _squareAvg;
    private long _steps;
    private double _learningRate;

    /// <summary>Creates the shared statistics of <paramref name="parameters"/> (the global policy's).</summary>
    /// <exception cref="ArgumentException">An option is out of range, as <see cref="RmsProp"/> checks it.</exception>
    public SharedRmsProp(IReadOnlyList<Parameter> parameters, double learningRate, double alpha, double eps)
    {
        // RmsProp validates the options and owns the checkpoint layout; we keep our own buffers for the lock-free path
        _state = new RmsProp(parameters, learningRate, alpha, eps);
        _parameters = [.. parameters];
        _squareAvg = new double[_parameters.Length][];
        for (int k = 0; k < _parameters.Length; k++)
        {
            _squareAvg[k] = new double[_parameters[k].Data.Length];
        }

        LearningRate = learningRate;
    }

    /// <inheritdoc />
    public double LearningRate
    {
        get => Volatile.Read(ref _learningRate);
        set
        {
            _state.LearningRate = value; // validates
            Volatile.Write(ref _learningRate, value);
        }
    }

    /// <summary>Decay rate of the squared-gradient average.</summary>
    public double Alpha => _state.Alpha;

    /// <summary>Denominator stabiliser, added after the square root.</summary>
    public double Eps => _state.Eps;

    /// <inheritdoc />
    public long StepCount => Interlocked.Read(ref _steps);

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Applies one step from the shared parameters' own gradients (single-threaded use).</summary>
    public void Step() => Apply(_parameters);

    /// <summary>
    /// One step of the shared parameters from <paramref name="gradients"/>' gradient buffers (a worker's policy copy,
    /// parameter for parameter in the same order). Safe to call from several threads at once, without a lock.
    /// </summary>
    /// <param name="gradients">Parameters whose <see cref="Parameter.Grad"/> holds the worker's gradient.</param>
    public void Apply(IReadOnlyList<Parameter> gradients)
    {
        Interlocked.Increment(ref _steps);
        double lr = LearningRate;
        for (int k = 0; k < _parameters.Length; k++)
        {
            // RmsProp's own kernel, on the shared parameters and statistics (no weight decay: A3C's optimizer has none)
            OptimizerKernels.RmsPropStep(_parameters[k].Data, gradients[k].Grad, _squareAvg[k], lr, Alpha, Eps, weightDecay: 0.0);
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
    public Dictionary<string, double[]> ExportState()
    {
        var state = _state.ExportState();
        state["rmsprop.step"] = [StepCount];
        for (int k = 0; k < _parameters.Length; k++)
        {
            state["rmsprop.square_avg." + _parameters[k].Name] = (double[])_squareAvg[k].Clone();
        }

        return state;
    }

    /// <inheritdoc />
    public void ImportState(IReadOnlyDictionary<string, double[]> state)
    {
        _state.ImportState(state); // validates every key and length
        for (int k = 0; k < _parameters.Length; k++)
        {
            state["rmsprop.square_avg." + _parameters[k].Name].CopyTo(_squareAvg[k], 0);
        }

        Interlocked.Exchange(ref _steps, _state.StepCount);
    }
}
