using Tensorless.Autodiff;
using Tensorless.Rl.Buffers;

namespace Tensorless.Rl.Training;

/// <summary>
/// Preallocated constant tensors for one minibatch of a rollout (observations, actions, old log-probs, advantages,
/// returns, old values), filled in place by <see cref="RolloutBuffer.Gather"/> so updates allocate nothing.
/// </summary>
public sealed class Minibatch
{
    /// <summary>Allocates tensors for <paramref name="size"/> samples.</summary>
    public Minibatch(int size, int observationSize, int actionSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        Size = size;
        Observations = new Tensor(size, observationSize);
        Actions = new Tensor(size, actionSize);
        OldLogProbs = new Tensor(size, 1);
        Advantages = new Tensor(size, 1);
        Returns = new Tensor(size, 1);
        OldValues = new Tensor(size, 1);
    }

    /// <summary>Samples per minibatch.</summary>
    public int Size { get; }

    /// <summary>Observations [size x obs].</summary>
    public Tensor Observations { get; }

    /// <summary>Actions taken [size x act] (the unclipped samples).</summary>
    public Tensor Actions { get; }

    /// <summary>Log-probabilities of the actions under the rollout policy [size x 1].</summary>
    public Tensor OldLogProbs { get; }

    /// <summary>Advantage estimates [size x 1].</summary>
    public Tensor Advantages { get; }

    /// <summary>Critic targets, advantages + values [size x 1].</summary>
    public Tensor Returns { get; }

    /// <summary>Values predicted during the rollout [size x 1].</summary>
    public Tensor OldValues { get; }

    /// <summary>Copies the samples at <paramref name="indices"/> from the buffer.</summary>
    public void Load(RolloutBuffer buffer, ReadOnlySpan<int> indices) =>
        buffer.Gather(indices, Observations.Data, Actions.Data, OldLogProbs.Data, Advantages.Data, Returns.Data, OldValues.Data);

    /// <summary>Rows [start, start + count) as constants on <paramref name="tape"/>: observations and actions.</summary>
    public (Tensor Observations, Tensor Actions) Inputs(Tape tape, int start, int count) =>
        (Rows(tape, Observations, start, count), Rows(tape, Actions, start, count));

    /// <summary>Rows [start, start + count) of one of this minibatch's tensors, copied onto <paramref name="tape"/> as a constant.</summary>
    public static Tensor Rows(Tape tape, Tensor source, int start, int count) =>
        tape.Constant(source.Data.Slice(start * source.Cols, count * source.Cols), count, source.Cols);

    /// <summary>
    /// Standardises the advantages to mean 0 and standard deviation 1 (unbiased std + 1e-8, as SB3); a single sample is
    /// left as it is, since its spread is undefined.
    /// </summary>
    public void NormalizeAdvantages()
    {
        var a = Advantages.Data;
        if (a.Length < 2)
        {
            return;
        }

        double mean = 0;
        foreach (double v in a)
        {
            mean += v;
        }

        mean /= a.Length;
        double ss = 0;
        foreach (double v in a)
        {
            ss += (v - mean) * (v - mean);
        }

        double std = Math.Sqrt(ss / (a.Length - 1));
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = (a[i] - mean) / (std + 1e-8);
        }
    }

    /// <summary>
    /// Fills <paramref name="indices"/> with a Fisher-Yates shuffle of 0..n-1 drawn from <paramref name="rng"/> (the order
    /// in which an epoch visits a rollout's samples).
    /// </summary>
    public static void Shuffle(int[] indices, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentNullException.ThrowIfNull(rng);
        for (int i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        for (int i = indices.Length - 1; i > 0; i--)
        {
            int j = rng.NextInt(i + 1);
            (indices[i], indices[j]) = (indices[j], indices[i]);
        }
    }
}
