using Tensorless.Autodiff.Optim;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// An actor-critic update in steps, so that something other than the algorithm's own <c>Update</c> can compute each
/// minibatch's gradient and take its step: a population's device runs many agents' passes in lockstep and batches their
/// gradients (issue 11). The algorithm's <c>Update</c> is this loop with the CPU's (or one device's) gradient:
/// <code>
/// BeginUpdatePass(progressRemaining);
/// while (NextMinibatch())
/// {
///     var stats = /* the loss's gradient over CurrentMinibatch's first CurrentRows rows */;
///     if (!AcceptGradient(stats)) break;   // PPO's target-KL stop: this gradient is dropped
///     /* clip by MaxGradNorm and step UpdateOptimizer */
/// }
/// EndUpdatePass(metrics);
/// </code>
/// <see cref="Ppo"/> (epochs of shuffled minibatches) and <see cref="A2c"/> (one batch) implement it.
/// </summary>
public interface IMinibatchUpdate
{
    /// <summary>The minibatch <see cref="NextMinibatch"/> loaded: gathered rows, advantages normalised when the options say so.</summary>
    Minibatch CurrentMinibatch { get; }

    /// <summary>Rows of <see cref="CurrentMinibatch"/> the gradient covers.</summary>
    int CurrentRows { get; }

    /// <summary>The optimizer each accepted gradient steps (its learning rate set by <see cref="BeginUpdatePass"/>).</summary>
    IOptimizer UpdateOptimizer { get; }

    /// <summary>Whether the critic trains in the same loss (false when the seeds' separate value fit trains it after the pass).</summary>
    bool TrainsValueJointly { get; }

    /// <summary>Starts one update's pass at <paramref name="progressRemaining"/> (1 at the start of training, 0 at the end): the schedules' values.</summary>
    void BeginUpdatePass(double progressRemaining);

    /// <summary>Loads the pass's next minibatch into <see cref="CurrentMinibatch"/>; false once the pass is over.</summary>
    /// <exception cref="InvalidOperationException">No pass is under way.</exception>
    bool NextMinibatch();

    /// <summary>
    /// Takes the current minibatch's diagnostics: false when the algorithm drops this gradient and ends the pass (PPO's
    /// target KL); otherwise counts them and returns true, and the caller clips and steps.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss is NaN or infinite.</exception>
    /// <exception cref="InvalidOperationException">No pass is under way.</exception>
    bool AcceptGradient(in UpdateStats stats);

    /// <summary>Ends the pass: what follows the gradient steps (the seeds' separate value fit, PPO's adaptive beta) and the update's metrics into <paramref name="metrics"/>.</summary>
    /// <exception cref="InvalidOperationException">No pass is under way.</exception>
    void EndUpdatePass(MetricsRecord metrics);
}
