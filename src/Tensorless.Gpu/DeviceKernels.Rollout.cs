using ILGPU;
using ILGPU.Runtime;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

// A rollout's kernels besides the networks and the env physics (DeviceRollout): the two generators' draws, the time
// limit and autoreset, the Box clipping, and the truncation bootstrap's gather and scatter.
public sealed partial class DeviceKernels
{
    private Action<Index1D, ArrayView<double>, ArrayView<ulong>, ArrayView<double>, int, int> sampleCategorical = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<ulong>, ArrayView<double>, int, int> sampleGaussian = null!;
    private Action<Index1D, int, int, int, int, int, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<ulong>, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ArrayView<double>, ArrayView<double>> endEpisodes = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>> clipActions = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<double>, int> gatherRows = null!;
    private Action<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<double>> scatter = null!;

    /// <summary>
    /// <c>CategoricalKernels.Sample</c>: one action index per row of <paramref name="logits"/> [rows x k] by inverse CDF,
    /// drawing one uniform per row in row order from the xoshiro256** whose four words are <paramref name="xoshiro"/>
    /// (advanced in place). One device thread draws them all, so the stream is the CPU's.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    public void SampleCategorical(ArrayView<double> logits, ArrayView<ulong> xoshiro, ArrayView<double> actions, int rows, int k)
    {
        CheckLength(logits.Length, (long)rows * k);
        CheckLength(xoshiro.Length, 4);
        CheckLength(actions.Length, rows);
        if (rows > 0)
        {
            sampleCategorical(1, logits, xoshiro, actions, rows, k);
        }
    }

    /// <summary>
    /// <c>DiagonalGaussian.Sample</c> with a shared [1 x d] log-std: standard normals by the polar method from the
    /// xoshiro256** <paramref name="xoshiro"/> (advanced in place), then <c>mean + exp(logStd) * eps</c>, in one thread.
    /// </summary>
    /// <exception cref="ArgumentException">A view is shorter than the shape needs.</exception>
    public void SampleGaussian(ArrayView<double> mean, ArrayView<double> logStd, ArrayView<ulong> xoshiro, ArrayView<double> actions, int rows, int d)
    {
        CheckLength(mean.Length, (long)rows * d);
        CheckLength(logStd.Length, d);
        CheckLength(xoshiro.Length, 4);
        CheckLength(actions.Length, (long)rows * d);
        if (rows > 0)
        {
            sampleGaussian(1, mean, logStd, xoshiro, actions, rows, d);
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

    /// <summary>Row <c>indices[r]</c> of <paramref name="source"/> [? x cols] into row r of <paramref name="destination"/>, for r &lt; count.</summary>
    public void GatherRows(ArrayView<double> source, ArrayView<int> indices, ArrayView<double> destination, int count, int cols)
    {
        CheckLength(indices.Length, count);
        CheckLength(destination.Length, (long)count * cols);
        if (count > 0)
        {
            gatherRows(count, source, indices, destination, cols);
        }
    }

    /// <summary><c>destination[indices[r]] = values[r]</c> for r &lt; count.</summary>
    public void Scatter(ArrayView<double> values, ArrayView<int> indices, ArrayView<double> destination, int count)
    {
        CheckLength(values.Length, count);
        CheckLength(indices.Length, count);
        if (count > 0)
        {
            scatter(count, values, indices, destination);
        }
    }

    private void LoadRollout(Accelerator accelerator)
    {
        sampleCategorical = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<ulong>, ArrayView<double>, int, int>(RandomKernels.SampleCategorical);
        sampleGaussian = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<ulong>, ArrayView<double>, int, int>(RandomKernels.SampleGaussian);
        endEpisodes = accelerator.LoadAutoGroupedStreamKernel<Index1D, int, int, int, int, int, ArrayView<double>, ArrayView<double>, ArrayView<int>, ArrayView<ulong>, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ArrayView<double>, ArrayView<double>>(RolloutKernels.EndEpisodes);
        clipActions = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, ArrayView<double>>(RolloutKernels.ClipActions);
        gatherRows = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<double>, int>(RolloutKernels.GatherRows);
        scatter = accelerator.LoadAutoGroupedStreamKernel<Index1D, ArrayView<double>, ArrayView<int>, ArrayView<double>>(RolloutKernels.Scatter);
    }
}
