namespace Tensorless.Rl.Training;

/// <summary>
/// A place other than this thread's tape where an algorithm's minibatch gradient can be computed: an accelerator of the
/// optional <c>Tensorless.Gpu</c> backend (issue 11). The policy on the CPU stays the run's state: a device reads its
/// parameters before each gradient and writes the gradient back into the parameters' <c>Grad</c>, so the CPU's gradient
/// clipping and optimizer step, checkpoints and evaluation are unchanged and a run moves between devices on resume.
/// </summary>
public interface IGradientDevice : IDisposable
{
    /// <summary>The device as <c>--device</c> names it, with the accelerator (<c>ilgpu-cpu: CPUAccelerator</c>).</summary>
    string Name { get; }

    /// <summary>
    /// PPO's clipped-objective minibatch gradient: leaves the gradient of
    /// <c>L = L_CLIP - entCoef * mean(H) + vfCoef * mean((V - R)^2)</c> over the first <paramref name="rows"/> rows of
    /// <paramref name="batch"/> (advantages already normalised) in the policy's parameters and returns the batch means of
    /// the diagnostics, as <see cref="DataParallelRunner.Run"/> does for the CPU.
    /// </summary>
    UpdateStats PpoClipGradient(Minibatch batch, int rows, double clipRange, double entCoef, double vfCoef);
}
