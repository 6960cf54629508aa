using Tensorless.Autodiff.Optim;

namespace Tensorless.Rl.Training;

/// <summary>
/// A place other than this thread's tape where an algorithm's minibatch gradient can be computed: an accelerator of the
/// optional <c>Tensorless.Gpu</c> backend (issue 11), for PPO's and A2C's losses. The policy on the CPU is the run's
/// state between updates: a device either reads its parameters before each gradient and writes the gradient back into
/// the parameters' <c>Grad</c> (the CPU then clips and steps), or holds parameters and optimizer state for a whole update
/// (<see cref="BeginUpdate"/> ... <see cref="EndUpdate"/>) and hands them back at its end. Either way checkpoints and
/// evaluation are unchanged and a run moves between devices on resume.
/// </summary>
public interface IGradientDevice : IDisposable
{
    /// <summary>The device as <c>--device</c> names it, with the accelerator (<c>ilgpu-cpu: CPUAccelerator</c>).</summary>
    string Name { get; }

    /// <summary>
    /// PPO's clipped-objective minibatch gradient: leaves the gradient of
    /// <c>L = L_CLIP - entCoef * mean(H) [+ vfCoef * mean((V - R)^2)]</c> over the first <paramref name="rows"/> rows of
    /// <paramref name="batch"/> (advantages already normalised) in the policy's parameters and returns the batch means of
    /// the diagnostics, as <see cref="DataParallelRunner.Run"/> does for the CPU.
    /// </summary>
    /// <param name="batch">The minibatch: observations, actions, old log-probabilities, advantages and returns.</param>
    /// <param name="rows">How many of its rows form this minibatch.</param>
    /// <param name="clipRange">PPO's clip range epsilon.</param>
    /// <param name="entCoef">The entropy bonus's coefficient.</param>
    /// <param name="vfCoef">The value term's coefficient.</param>
    /// <param name="withValue">Whether the value term is part of the loss; false when a separate value fit trains the critic (its gradient is then left alone).</param>
    UpdateStats PpoClipGradient(Minibatch batch, int rows, double clipRange, double entCoef, double vfCoef, bool withValue);

    /// <summary>
    /// A2C's gradient: leaves the gradient of <c>L = -mean(A log pi) - entCoef * mean(H) [+ vfCoef * mean((V - R)^2)]</c>
    /// over the first <paramref name="rows"/> rows of <paramref name="batch"/> in the policy's parameters and returns the
    /// losses and the mean entropy, as <see cref="DataParallelRunner.Run"/> does for the CPU.
    /// </summary>
    /// <param name="batch">The rollout as one batch: observations, actions, advantages and returns.</param>
    /// <param name="rows">How many of its rows are used.</param>
    /// <param name="entCoef">The entropy bonus's coefficient.</param>
    /// <param name="vfCoef">The value term's coefficient.</param>
    /// <param name="withValue">Whether the value term is part of the loss, as for <see cref="PpoClipGradient"/>.</param>
    UpdateStats A2cGradient(Minibatch batch, int rows, double entCoef, double vfCoef, bool withValue);
    /// <summary>
    /// Lets the device hold the parameters and <paramref name="optimizer"/>'s state for one update: they are copied to
    /// the device now; until <see cref="EndUpdate"/> the gradient calls leave their gradient on the device (the CPU
    /// parameters' <c>Grad</c> is not written) and <see cref="Step"/> clips and steps there. Returns false where the
    /// device cannot take the optimizer's step (an optimizer it does not have); the caller then clips and steps on the
    /// CPU as usual.
    /// </summary>
    /// <param name="optimizer">The optimizer of the parameters the gradient calls train.</param>
    bool BeginUpdate(IOptimizer optimizer);

    /// <summary>Clips the last gradient by its global norm when <paramref name="maxNorm"/> is set, then takes the optimizer's step, on the device.</summary>
    /// <param name="maxNorm">The global-norm limit, or null for none.</param>
    /// <exception cref="InvalidOperationException"><see cref="BeginUpdate"/> did not return true.</exception>
    void Step(double? maxNorm);

    /// <summary>
    /// Ends what <see cref="BeginUpdate"/> began: copies the parameters and the optimizer's state (its moments and step
    /// count) back to the CPU, which holds the run's state again for checkpoints, evaluation and the next rollout.
    /// Does nothing when no update is held.
    /// </summary>
    void EndUpdate();

    /// <summary>
    /// Where this device collects the run's rollouts, or null when it does not (the rollout then runs on the CPU): a
    /// device serves the rollout only for the envs and options it can step exactly as the CPU does.
    /// </summary>
    IRolloutDevice? Rollout => null;

    /// <summary>Why <see cref="Rollout"/> is null (the env or option the device rollout lacks), or null when it is not.</summary>
    string? RolloutUnavailableReason => Rollout is null ? "this device computes gradients only" : null;
}
