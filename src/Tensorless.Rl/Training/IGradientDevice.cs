namespace Tensorless.Rl.Training;

/// <summary>
/// A place other than this thread's tape where an algorithm's minibatch gradient can be computed: an accelerator of the
/// optional <c>Tensorless.Gpu</c> backend (issue 11), for PPO's and A2C's losses. The policy on the CPU stays the run's state: a device reads its
/// parameters before each gradient and writes the gradient back into the parameters' <c>Grad</c>, so the CPU's gradient
/// clipping and optimizer step, checkpoints and evaluation are unchanged and a run moves between devices on resume.
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
}
