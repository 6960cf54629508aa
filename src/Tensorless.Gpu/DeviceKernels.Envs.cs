using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, ArrayView<byte>> cartPoleStep = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>> cartPoleObservations = null!;

    /// <summary>
    /// Steps n CartPole envs (CartPole-v0/v1 physics, Tensorless.Envs' order of operations): <paramref name="state"/>
    /// [n x 4] (x, x_dot, theta, theta_dot) is advanced in place by one Euler step with force +10 N for action 1 and -10 N
    /// otherwise; <paramref name="rewards"/> gets 1 (0 for a step after termination, tracked in
    /// <paramref name="terminatedBefore"/>, which a reset must clear) and <paramref name="terminated"/> 1 where |x| &gt; 2.4
    /// or |theta| &gt; 12 degrees. No reset and no time limit here: the caller resets finished envs and counts steps.
    /// </summary>
    public void CartPoleStep(ArrayView<double> state, ArrayView<byte> terminatedBefore, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n)
    {
        CheckLength(state.Length, 4L * n);
        CheckLength(terminatedBefore.Length, n);
        CheckLength(actions.Length, n);
        CheckLength(rewards.Length, n);
        CheckLength(terminated.Length, n);
        if (n > 0)
        {
            cartPoleStep(n, state, terminatedBefore, actions, rewards, terminated);
        }
    }

    /// <summary>Writes the [n x 4] observations of n CartPole envs: the state rounded to float32, as the CPU env observes it.</summary>
    public void CartPoleObservations(ArrayView<double> state, ArrayView<double> observations, int n)
    {
        CheckLength(state.Length, 4L * n);
        CheckLength(observations.Length, 4L * n);
        if (n > 0)
        {
            cartPoleObservations(4 * n, state, observations);
        }
    }

    private void LoadEnvs(Accelerator accelerator)
    {
        cartPoleStep = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, ArrayView<byte>>(CartPoleKernels.Step);
        cartPoleObservations = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>>(CartPoleKernels.Observations);
    }
}
