using ILGPU;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    /// <summary>
    /// Steps n Pendulum-v1 envs (Tensorless.Envs' Pendulum, Gymnasium's order of operations): with the torque u =
    /// <paramref name="actions"/> [n x 1] clipped to [-2, 2], <paramref name="rewards"/> gets
    /// -(norm(theta)^2 + 0.1 theta_dot^2 + 0.001 u^2) of the state before the step, and <paramref name="state"/>
    /// [n x 2] (theta, never wrapped; theta_dot) is advanced in place by one semi-implicit Euler step of 0.05 s with
    /// theta_dot clipped to [-8, 8]. <paramref name="terminated"/> gets 0: the pendulum never terminates (its episodes
    /// end by the caller's time limit).
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void PendulumStep(ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n) =>
        LaunchStep(pendulumStep, state, 2, actions, rewards, terminated, n);

    /// <summary>Writes the [n x 3] observations of n Pendulum envs: float32 (cos theta, sin theta, theta_dot), as the CPU env observes them.</summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void PendulumObservations(ArrayView<double> state, ArrayView<double> observations, int n) =>
        LaunchObservations(pendulumObservations, state, 2, observations, 3, n);

    /// <summary>
    /// Steps n Acrobot-v1 envs (Tensorless.Envs' Acrobot, Gymnasium's book dynamics and order of operations):
    /// <paramref name="state"/> [n x 4] (theta1, theta2, theta1_dot, theta2_dot) is advanced in place by one RK4 step of
    /// 0.2 s with torque <paramref name="actions"/>[i] - 1 (actions are the indices 0, 1, 2 held in doubles), then the
    /// angles are wrapped to [-pi, pi] and the speeds clipped to 4 pi and 9 pi; <paramref name="terminated"/> gets 1
    /// where -cos theta1 - cos(theta1 + theta2) &gt; 1 and <paramref name="rewards"/> 0 there, -1 elsewhere. No reset and
    /// no time limit here: the caller resets finished envs and counts steps.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void AcrobotStep(ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n) =>
        LaunchStep(acrobotStep, state, 4, actions, rewards, terminated, n);

    /// <summary>Writes the [n x 6] observations of n Acrobot envs: float32 (cos theta1, sin theta1, cos theta2, sin theta2, theta1_dot, theta2_dot), as the CPU env observes them.</summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void AcrobotObservations(ArrayView<double> state, ArrayView<double> observations, int n) =>
        LaunchObservations(acrobotObservations, state, 4, observations, 6, n);
}
