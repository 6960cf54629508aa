using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

// A rollout's kernels besides the networks and the env physics (DeviceRollout): the two generators' draws, the time
// limit and autoreset, the Box clipping, and the truncation bootstrap's choice of values.
public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<ulong>, ArrayView<double>, int, int> sampleCategorical = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<ulong>, ArrayView<double>, int, int> sampleGaussian = null!;
    private Action<Index1D, int, int, int, int, int, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<ulong>, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ArrayView<double>, ArrayView<double>> endEpisodes = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>> clipActions = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<byte>, ArrayView<byte>, ArrayView<double>> selectTruncationValues = null!;

    /// <summary>
    /// <c>CategoricalKernels.Sample</c>: one action index per row of <paramref name="logits"/> [members x rows x k] by
    /// inverse CDF, each member drawing one uniform per row in row order from its own xoshiro256** (four words per member
    /// in <paramref name="xoshiro"/>, advanced in place). One device thread per member draws them all, so each member's
    /// stream is the CPU's.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    public void SampleCategorical(ArrayView<double> logits, ArrayView<ulong> xoshiro, ArrayView<double> actions, int rows, int k, int members = 1)
    {
        CheckLength(logits.Length, (long)members * rows * k);
        CheckLength(xoshiro.Length, 4L * members);
        CheckLength(actions.Length, (long)members * rows);
        if (rows > 0 && members > 0)
        {
            sampleCategorical(members, logits, xoshiro, actions, rows, k);
        }
    }

    /// <summary>
    /// <c>DiagonalGaussian.Sample</c> with a [1 x d] log-std per member (<paramref name="logStd"/> [members x d]):
    /// standard normals by the polar method from each member's xoshiro256** (four words per member, advanced in place),
    /// then <c>mean + exp(logStd) * eps</c>, one thread per member over its [rows x d] actions.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    public void SampleGaussian(ArrayView<double> mean, ArrayView<double> logStd, ArrayView<ulong> xoshiro, ArrayView<double> actions, int rows, int d, int members = 1)
    {
        CheckLength(mean.Length, (long)members * rows * d);
        CheckLength(logStd.Length, (long)members * d);
        CheckLength(xoshiro.Length, 4L * members);
        CheckLength(actions.Length, (long)members * rows * d);
        if (rows > 0 && members > 0)
        {
            sampleGaussian(members, mean, logStd, xoshiro, actions, rows, d);
        }
    }

    /// <summary>
    /// The vector env's end-of-step bookkeeping for n envs (<c>ClassicVectorEnv.Step</c> after the physics): counts the
    /// step in <paramref name="elapsed"/>, writes <paramref name="truncated"/> at <paramref name="limit"/> steps, and for
    /// every env that terminated or was truncated copies its observation row into <paramref name="envFinalObservations"/>
    /// (and into row <c>rowOffset + i</c> of <paramref name="rolloutFinalObservations"/> when truncated and not
    /// terminated), resets its state from its PCG64 words in <paramref name="generators"/> [n x 4] as the CPU env
    /// <paramref name="env"/> (a <c>RolloutKernels</c> constant) does, clears its reward-after-termination flag and its count.
    /// Observe the state again afterwards for the reset envs' first observations.
    /// </summary>
    internal void EndEpisodes(
        int env, int stateSize, int observationSize, int limit, int rowOffset, ArrayView<double> state, ArrayView<double> observations,
        ArrayView<int> elapsed, ArrayView<ulong> generators, ArrayView<byte> terminated, ArrayView<byte> truncated, ArrayView<byte> terminatedBefore,
        ArrayView<double> envFinalObservations, ArrayView<double> rolloutFinalObservations, int n)
    {
        CheckLength(state.Length, (long)stateSize * n);
        CheckLength(observations.Length, (long)observationSize * n);
        CheckLength(generators.Length, 4L * n);
        CheckLength(rolloutFinalObservations.Length, (long)(rowOffset + n) * observationSize);
        if (n > 0)
        {
            endEpisodes(n, env, stateSize, observationSize, limit, rowOffset, state, observations, elapsed, generators, terminated, truncated, terminatedBefore, envFinalObservations, rolloutFinalObservations);
        }
    }

    /// <summary><c>envActions = clamp(actions, low, high)</c> per column of [rows x d] actions (the rollout's Box clipping).</summary>
    public void ClipActions(ArrayView<double> actions, ArrayView<double> low, ArrayView<double> high, ArrayView<double> envActions, int rows, int d)
    {
        CheckLength(actions.Length, (long)rows * d);
        CheckLength(envActions.Length, (long)rows * d);
        CheckLength(low.Length, d);
        CheckLength(high.Length, d);
        if (rows > 0)
        {
            clipActions(rows * d, actions, low, high, d, envActions);
        }
    }

    /// <summary><c>dst[i] = values[i]</c> where step i was truncated and not terminated, NaN elsewhere (the truncation bootstrap's values), for i &lt; n.</summary>
    public void SelectTruncationValues(ArrayView<double> values, ArrayView<byte> terminated, ArrayView<byte> truncated, ArrayView<double> dst, int n)
    {
        CheckLength(values.Length, n);
        CheckLength(terminated.Length, n);
        CheckLength(truncated.Length, n);
        CheckLength(dst.Length, n);
        if (n > 0)
        {
            selectTruncationValues(n, values, terminated, truncated, dst);
        }
    }

    private void LoadRollout(Accelerator accelerator)
    {
        sampleCategorical = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<ulong>, ArrayView<double>, int, int>(RandomKernels.SampleCategorical);
        sampleGaussian = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<ulong>, ArrayView<double>, int, int>(RandomKernels.SampleGaussian);
        endEpisodes = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, int, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<ulong>, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ArrayView<double>, ArrayView<double>>(RolloutKernels.EndEpisodes);
        clipActions = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>>(RolloutKernels.ClipActions);
        selectTruncationValues = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<byte>, ArrayView<byte>, ArrayView<double>>(RolloutKernels.SelectTruncationValues);
    }
}
