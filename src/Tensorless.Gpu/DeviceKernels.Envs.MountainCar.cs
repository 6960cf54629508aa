using ILGPU;

namespace Tensorless.Gpu;

public sealed partial class DeviceKernels
{
    /// <summary>
    /// Steps n MountainCar-v0 envs (Tensorless.Envs' MountainCar, Gymnasium's order of operations):
    /// <paramref name="state"/> [n x 2] (position, velocity) is advanced in place with the push
    /// (<paramref name="actions"/>[i] - 1) x 0.001 (actions are the indices 0, 1, 2 held in doubles), the velocity
    /// clipped to [-0.07, 0.07], the position to [-1.2, 0.6], and the car stopped at the left wall;
    /// <paramref name="rewards"/> gets -1 and <paramref name="terminated"/> 1 where position &gt;= 0.5 and velocity &gt;= 0.
    /// No reset and no time limit here: the caller resets finished envs and counts steps.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void MountainCarStep(ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n) =>
        LaunchStep(mountainCarStep, state, 2, actions, rewards, terminated, n);

    /// <summary>Writes the [n x 2] observations of n MountainCar envs: the state rounded to float32, as the CPU env observes it.</summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void MountainCarObservations(ArrayView<double> state, ArrayView<double> observations, int n) => LaunchFloat32Observations(state, observations, 2, n);

    /// <summary>
    /// Steps n MountainCarContinuous-v0 envs (Tensorless.Envs' MountainCarContinuous, Gymnasium's order of operations):
    /// <paramref name="state"/> [n x 2] (position, velocity) is advanced in place with the force
    /// <paramref name="actions"/> [n x 1] clipped to [-1, 1] times 0.0015, the velocity and position clipped and the car
    /// stopped at the left wall, then stored rounded to float32 as Gymnasium stores it; <paramref name="terminated"/> gets
    /// 1 where position &gt;= 0.45 and velocity &gt;= 0 (tested before the rounding) and <paramref name="rewards"/>
    /// 100 there, less 0.1 x the raw (unclipped) action squared. No reset and no time limit here: the caller resets
    /// finished envs and counts steps.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void MountainCarContinuousStep(ArrayView<double> state, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n) =>
        LaunchStep(mountainCarContinuousStep, state, 2, actions, rewards, terminated, n);

    /// <summary>Writes the [n x 2] observations of n MountainCarContinuous envs: the (already float32) state, as the CPU env observes it.</summary>
    /// <exception cref="ArgumentException">A view is shorter than <paramref name="n"/> rows need.</exception>
    public void MountainCarContinuousObservations(ArrayView<double> state, ArrayView<double> observations, int n) => LaunchFloat32Observations(state, observations, 2, n);
}
