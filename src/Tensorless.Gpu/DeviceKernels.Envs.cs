using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;
using EnvStepKernel = System.Action<ILGPU.Index1D, ILGPU.ArrayView<double>, ILGPU.ArrayView<double>, ILGPU.ArrayView<double>, ILGPU.ArrayView<byte>>;
using ObservationKernel = System.Action<ILGPU.Index1D, ILGPU.ArrayView<double>, ILGPU.ArrayView<double>>;

namespace Tensorless.Gpu;

// The classic-control steps, one thread per env. Every step takes the state [n x StateSize] in IStatefulEnv.GetState's
// order and advances it in place; no kernel resets or counts steps (EndEpisodes in DeviceKernels.Rollout.cs does, for a
// device rollout; a caller may also copy a CPU env's reset state in). The envs other than CartPole share one signature
// (state, actions, rewards, terminated), launched by LaunchStep.
public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, ArrayView<byte>> cartPoleStep = null!;
    private EnvStepKernel cartPoleSwingUpStep = null!, pendulumStep = null!, acrobotStep = null!, mountainCarStep = null!, mountainCarContinuousStep = null!;
    private ObservationKernel roundToFloat32 = null!, cartPoleSwingUpObservations = null!, pendulumObservations = null!, acrobotObservations = null!;

    /// <summary>
    /// Steps n CartPole envs (CartPole-v0/v1 physics, Tensorless.Envs' order of operations): <paramref name="state"/>
    /// [n x 4] (x, x_dot, theta, theta_dot) is advanced in place by one Euler step with force +10 N for action 1 and -10 N
    /// otherwise; <paramref name="rewards"/> gets 1 (0 for a step after termination, tracked in
    /// <paramref name="terminatedBefore"/>, which a reset must clear) and <paramref name="terminated"/> 1 where |x| &gt; 2.4
    /// or |theta| &gt; 12 degrees. No reset and no time limit here: the caller resets finished envs and counts steps.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
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
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void CartPoleObservations(ArrayView<double> state, ArrayView<double> observations, int n) => LaunchFloat32Observations(state, observations, 4, n);

    /// <summary>
    /// Steps n CartPoleSwingUp-v0 envs (Tensorless.Envs' CartPoleSwingUp, its order of operations):
    /// <paramref name="state"/> [n x 4] (x, x_dot, theta, theta_dot; theta never wrapped) is advanced in place by one
    /// Euler step of 0.01 s with force 10 N x <paramref name="actions"/> [n x 1] clipped to [-1, 1];
    /// <paramref name="rewards"/> gets cos(theta') in float32 on every step and <paramref name="terminated"/> 1 where
    /// |x'| &gt; 2.4. No reset and no time limit here: the caller resets finished envs and counts steps.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void CartPoleSwingUpStep(ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n) =>
        LaunchStep(cartPoleSwingUpStep, state, 4, actions, rewards, terminated, n);

    /// <summary>Writes the [n x 5] observations of n CartPoleSwingUp envs: float32 (x, x_dot, cos theta, sin theta, theta_dot), as the CPU env observes them.</summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void CartPoleSwingUpObservations(ArrayView<double> state, ArrayView<double> observations, int n) =>
        LaunchObservations(cartPoleSwingUpObservations, state, 4, observations, 5, n);

    // the envs with the (state, actions, rewards, terminated) signature: state [n x stateSize], one action per env
    // (an index held in a double, or the one component of a Box(1) action)
    private static void LaunchStep(EnvStepKernel kernel, ArrayView<double> state, int stateSize, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n)
    {
        CheckLength(state.Length, (long)stateSize * n);
        CheckLength(actions.Length, n);
        CheckLength(rewards.Length, n);
        CheckLength(terminated.Length, n);
        if (n > 0)
        {
            kernel(n, state, actions, rewards, terminated);
        }
    }

    // one thread per env: a state row in, an observation row out
    private static void LaunchObservations(ObservationKernel kernel, ArrayView<double> state, int stateSize, ArrayView<double> observations, int observationSize, int n)
    {
        CheckLength(state.Length, (long)stateSize * n);
        CheckLength(observations.Length, (long)observationSize * n);
        if (n > 0)
        {
            kernel(n, state, observations);
        }
    }

    // envs that observe their state rounded to float32: one thread per element
    private void LaunchFloat32Observations(ArrayView<double> state, ArrayView<double> observations, int stateSize, int n)
    {
        CheckLength(state.Length, (long)stateSize * n);
        CheckLength(observations.Length, (long)stateSize * n);
        if (n > 0)
        {
            roundToFloat32(stateSize * n, state, observations);
        }
    }

    private void LoadEnvs(Accelerator accelerator)
    {
        cartPoleStep = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, ArrayView<byte>>(CartPoleKernels.Step);
        cartPoleSwingUpStep = LoadStep(accelerator, CartPoleSwingUpKernels.Step);
        pendulumStep = LoadStep(accelerator, PendulumKernels.Step);
        acrobotStep = LoadStep(accelerator, AcrobotKernels.Step);
        mountainCarStep = LoadStep(accelerator, MountainCarKernels.Step);
        mountainCarContinuousStep = LoadStep(accelerator, MountainCarContinuousKernels.Step);
        roundToFloat32 = LoadObservations(accelerator, MapKernels.RoundToFloat32);
        cartPoleSwingUpObservations = LoadObservations(accelerator, CartPoleSwingUpKernels.Observations);
        pendulumObservations = LoadObservations(accelerator, PendulumKernels.Observations);
        acrobotObservations = LoadObservations(accelerator, AcrobotKernels.Observations);
    }

    private static EnvStepKernel LoadStep(Accelerator accelerator, EnvStepKernel body) =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, ArrayView<byte>>(body);

    private static ObservationKernel LoadObservations(Accelerator accelerator, ObservationKernel body) =>
        accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>>(body);
}
