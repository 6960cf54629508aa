using ILGPU;
using Tensorless.Autodiff;
using Tensorless.Rl.Policies;

namespace Tensorless.Gpu.Heads;

/// <summary>
/// The action distribution on top of the actor's output on a device, for one minibatch at a time: the log-probability
/// of the taken actions and the entropy per row, and their backward rules into the actor output's gradient (and the
/// head's own parameters, the Gaussian's log-std). The rules are applied in the CPU tape's order: the entropy's term
/// first, then the log-probability's, so that a gradient the two share is summed as the CPU sums it.
/// </summary>
internal abstract class DevicePolicyHead : IDisposable
{
    /// <summary>The head for <paramref name="policy"/>'s action space: categorical (Discrete) or diagonal Gaussian (Box).</summary>
    public static DevicePolicyHead Create(GpuDevice device, DeviceKernels kernels, ActorCriticPolicy policy) =>
        policy.IsDiscrete
            ? new DeviceCategoricalHead(device, kernels, policy.HeadSize)
            : new DeviceGaussianHead(device, kernels, policy.LogStd!);

    /// <summary>Columns of an action row: 1 for a categorical action, the Gaussian's dimension for a Box action.</summary>
    public abstract int ActionColumns { get; }

    /// <summary>
    /// How many entropy values a minibatch of <paramref name="rows"/> rows has: one per row for a categorical head, one for
    /// the whole batch for a Gaussian with a state-independent log-std. The loss's entropy term is their mean.
    /// </summary>
    public virtual int EntropyRows(int rows) => rows;

    /// <summary>Copies the head's own parameters (the Gaussian's log-std, <see cref="Views"/>) to the device; nothing for a categorical head.</summary>
    public void UploadParameters(GpuDevice device)
    {
        foreach (var (parameter, value, _) in Views())
        {
            device.CopyToDevice(parameter.Data, value);
        }
    }

    /// <summary>
    /// Writes <c>log pi(a | s)</c> into <paramref name="logProb"/> [rows] and the entropy into the first
    /// <see cref="EntropyRows"/> elements of <paramref name="entropy"/> from the actor output <paramref name="head"/> [rows x HeadSize] and the taken <paramref name="actions"/>.
    /// </summary>
    public abstract void Forward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> logProb, ArrayView<double> entropy, int rows);

    /// <summary>
    /// Overwrites <paramref name="gradHead"/> [rows x HeadSize] with the gradient of
    /// <c>sum_i gradLogProb[i] log pi_i + entropyWeight * sum_i H_i</c> over the <see cref="EntropyRows"/> entropies (the
    /// loss's entropy term is <c>-entCoef * mean(H)</c>, so <paramref name="entropyWeight"/> is <c>-entCoef * (1 / EntropyRows)</c>
    /// as the tape computes it), and
    /// keeps the head's own parameters' gradient for <see cref="DownloadGradients"/>. <paramref name="entropy"/> is the last
    /// <see cref="Forward"/>'s, over the same rows.
    /// </summary>
    public abstract void Backward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> entropy, ArrayView<double> gradLogProb, double entropyWeight, ArrayView<double> gradHead, int rows);

    /// <summary>Copies the head's own parameters' gradient (<see cref="Views"/>) into the CPU parameters' <c>Grad</c>; nothing for a categorical head.</summary>
    public void DownloadGradients(GpuDevice device)
    {
        foreach (var (parameter, _, grad) in Views())
        {
            device.CopyToHost(grad, parameter.Grad);
        }
    }

    /// <summary>The head's own parameters with their device copies and gradients (the Gaussian's log-std); none for a categorical head.</summary>
    public virtual IEnumerable<(Parameter Parameter, ArrayView<double> Value, ArrayView<double> Grad)> Views() => [];

    /// <summary>Frees the head's device buffers.</summary>
    public abstract void Dispose();
}
