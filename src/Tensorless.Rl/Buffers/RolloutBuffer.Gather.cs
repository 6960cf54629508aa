namespace Tensorless.Rl.Buffers;

public sealed partial class RolloutBuffer
{
    /// <summary>
    /// Copies the samples at <paramref name="indices"/> (flat indices in [0, Count), typically a shuffled minibatch)
    /// into caller-owned minibatch spans, row k of each destination taking sample <c>indices[k]</c>. Pass an empty
    /// span for a field the caller does not need.
    /// </summary>
    /// <param name="indices">Flat sample indices in [0, Count).</param>
    /// <param name="observations">Destination, <c>indices.Length * ObservationSize</c>, or empty.</param>
    /// <param name="actions">Destination, <c>indices.Length * ActionSize</c>, or empty.</param>
    /// <param name="logProbs">Destination for the old log-probs, <c>indices.Length</c>, or empty.</param>
    /// <param name="advantages">Destination, <c>indices.Length</c>, or empty.</param>
    /// <param name="returns">Destination, <c>indices.Length</c>, or empty.</param>
    /// <param name="values">Destination for the old values (value clipping), <c>indices.Length</c>, or empty.</param>
    /// <exception cref="ArgumentException">A non-empty destination has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, Count).</exception>
    public void Gather(
        ReadOnlySpan<int> indices,
        Span<double> observations,
        Span<double> actions,
        Span<double> logProbs,
        Span<double> advantages,
        Span<double> returns,
        Span<double> values = default)
    {
        int m = indices.Length;
        CheckOptional(observations.Length, m * ObservationSize, nameof(observations));
        CheckOptional(actions.Length, m * ActionSize, nameof(actions));
        CheckOptional(logProbs.Length, m, nameof(logProbs));
        CheckOptional(advantages.Length, m, nameof(advantages));
        CheckOptional(returns.Length, m, nameof(returns));
        CheckOptional(values.Length, m, nameof(values));
        foreach (int index in indices)
        {
            CheckIndex(index); // once here, so the copies below run without per-element checks
        }

        if (!observations.IsEmpty)
        {
            GatherRows(_observations, ObservationSize, indices, observations);
        }

        if (!actions.IsEmpty)
        {
            GatherRows(_actions, ActionSize, indices, actions);
        }

        GatherScalars(_logProbs, indices, logProbs);
        GatherScalars(_advantages, indices, advantages);
        GatherScalars(_returns, indices, returns);
        GatherScalars(_values, indices, values);
    }

    /// <summary>Copies rows at already-validated indices.</summary>
    private static void GatherRows(double[] source, int width, ReadOnlySpan<int> indices, Span<double> destination)
    {
        if (width == 1)
        {
            GatherScalars(source, indices, destination);
            return;
        }

        for (int k = 0; k < indices.Length; k++)
        {
            source.AsSpan(indices[k] * width, width).CopyTo(destination.Slice(k * width, width));
        }
    }

    /// <summary>Copies scalars at already-validated indices.</summary>
    private static void GatherScalars(double[] source, ReadOnlySpan<int> indices, Span<double> destination)
    {
        if (destination.IsEmpty)
        {
            return;
        }

        ref double src = ref System.Runtime.InteropServices.MemoryMarshal.GetArrayDataReference(source);
        for (int k = 0; k < indices.Length; k++)
        {
            destination[k] = System.Runtime.CompilerServices.Unsafe.Add(ref src, indices[k]);
        }
    }

    private int CheckIndex(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"Sample index must lie in [0, {Count}).");
        }

        return index;
    }

    private static void CheckOptional(int actual, int expected, string name)
    {
        if (actual != 0)
        {
            CheckLength(actual, expected, name);
        }
    }

    private static void CheckLength(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);
        }
    }
}
