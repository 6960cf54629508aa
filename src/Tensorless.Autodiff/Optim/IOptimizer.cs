namespace Tensorless.Autodiff.Optim;

/// <summary>
/// A first-order optimizer over a fixed list of parameters, with PyTorch's update rules. <see cref="Step"/> reads each
/// parameter's accumulated gradient (it never modifies it) and allocates nothing. The state (moment buffers and step
/// count) exports as named arrays such as <c>adam.exp_avg.actor.0.weight</c> and <c>adam.step</c>, which a checkpoint
/// stores beside the weights so a resumed run continues exactly.
/// </summary>
public interface IOptimizer
{
    /// <summary>The step size; a schedule may change it between steps.</summary>
    /// <exception cref="ArgumentException">Set to a negative or non-finite value.</exception>
    double LearningRate { get; set; }

    /// <summary>Number of <see cref="Step"/> calls so far (PyTorch's per-parameter <c>step</c>, shared here).</summary>
    long StepCount { get; }

    /// <summary>The parameters being optimised, in order.</summary>
    IReadOnlyList<Parameter> Parameters { get; }

    /// <summary>Applies one update to every parameter from its current gradient.</summary>
    void Step();

    /// <summary>Zeroes every parameter's gradient, ready for the next backward pass.</summary>
    void ZeroGrad();

    /// <summary>Copies the optimizer state into named arrays (a fresh dictionary; for checkpoints, not the hot path).</summary>
    Dictionary<string, double[]> ExportState();

    /// <summary>
    /// Restores state exported by the same optimizer type over parameters with the same names and sizes. Keys of other
    /// optimizers are ignored; nothing changes unless every expected key is present and well formed.
    /// </summary>
    /// <exception cref="ArgumentException">A key is missing, has the wrong length, or the step count is invalid.</exception>
    void ImportState(IReadOnlyDictionary<string, double[]> state);
}
