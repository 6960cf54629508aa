using Tensorless.Autodiff;
using Tensorless.Autodiff.Nn;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Training;

namespace Tensorless.Distributed;

/// <summary>
/// <see cref="IGradientReducer"/> over an <see cref="ICommunicator"/>: one all-reduce per minibatch step of a flat buffer
/// holding every gradient and the six diagnostics, then a division by the rank count, so every rank applies the same
/// averaged gradient and takes the same branch (PPO's early stop reads the averaged approx KL).
/// </summary>
public sealed class CommunicatorReducer : IGradientReducer
{
    private const int StatCount = 6;
    private readonly ICommunicator _communicator;
    private readonly Dictionary<RunningMeanStd, (double[] Mean, double[] Variance, double Count)> _merged = new(ReferenceEqualityComparer.Instance);
    private double[] _flat = [];

    /// <summary>Creates the reducer over <paramref name="communicator"/>.</summary>
    public CommunicatorReducer(ICommunicator communicator)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        _communicator = communicator;
    }

    /// <inheritdoc />
    public void Reduce(ParameterSet parameters, ref UpdateStats stats)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        int total = StatCount;
        foreach (var p in parameters)
        {
            total += p.Grad.Length;
        }

        if (_flat.Length != total)
        {
            _flat = new double[total];
        }

        var flat = _flat.AsSpan();
        int at = 0;
        foreach (var p in parameters)
        {
            p.Grad.CopyTo(flat[at..]);
            at += p.Grad.Length;
        }

        flat[at] = stats.Loss;
        flat[at + 1] = stats.PolicyLoss;
        flat[at + 2] = stats.ValueLoss;
        flat[at + 3] = stats.Entropy;
        flat[at + 4] = stats.ApproxKl;
        flat[at + 5] = stats.ClipFraction;
        _communicator.AllReduceSum(flat);
        double scale = 1.0 / _communicator.Size;
        System.Numerics.Tensors.TensorPrimitives.Multiply(flat, scale, flat);
        at = 0;
        foreach (var p in parameters)
        {
            flat.Slice(at, p.Grad.Length).CopyTo(p.Grad);
            at += p.Grad.Length;
        }

        stats.Loss = flat[at];
        stats.PolicyLoss = flat[at + 1];
        stats.ValueLoss = flat[at + 2];
        stats.Entropy = flat[at + 3];
        stats.ApproxKl = flat[at + 4];
        stats.ClipFraction = flat[at + 5];
    }

    /// <inheritdoc />
    public double Mean(double value)
    {
        Span<double> one = [value];
        _communicator.AllReduceSum(one);
        return one[0] / _communicator.Size;
    }

    /// <summary>
    /// Records <paramref name="statistics"/>' current moments as the common starting point of the next
    /// <see cref="Merge"/> (call on every rank once the moments agree, e.g. after broadcasting them).
    /// </summary>
    public void Track(RunningMeanStd statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        _merged[statistics] = (statistics.Mean.ToArray(), statistics.Variance.ToArray(), statistics.Count);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Each rank started from the same moments S (the last merge) and added its own samples B_r; B_r's count, mean and
    /// M2 are recovered from S and the rank's moments, then S and every B_r are combined with Chan et al.'s parallel
    /// formula: <c>n = n_S + sum n_r</c>, <c>mean = (n_S mean_S + sum n_r mean_r) / n</c>,
    /// <c>M2 = M2_S + sum M2_r + n_S (mean_S - mean)^2 + sum n_r (mean_r - mean)^2</c>, with two all-reduces.
    /// </remarks>
    public void Merge(RunningMeanStd statistics)
    {
        ArgumentNullException.ThrowIfNull(statistics);
        if (!_merged.TryGetValue(statistics, out var start))
        {
            throw new InvalidOperationException("Track(statistics) must be called on every rank before the first Merge.");
        }

        int d = statistics.Size;
        double nS = start.Count;
        double n = statistics.Count;
        double nB = n - nS;
        var sums = new double[1 + d];
        var batchMean = new double[d];
        var batchM2 = new double[d];
        sums[0] = nB;
        for (int j = 0; j < d; j++)
        {
            if (nB > 0)
            {
                // un-merge: n mean = n_S mean_S + n_B mean_B; M2 = M2_S + M2_B + delta^2 n_S n_B / n
                batchMean[j] = ((n * statistics.Mean[j]) - (nS * start.Mean[j])) / nB;
                double delta = batchMean[j] - start.Mean[j];
                batchM2[j] = Math.Max(0.0, (statistics.Variance[j] * n) - (start.Variance[j] * nS) - (delta * delta * nS * nB / n));
            }

            sums[1 + j] = nB * batchMean[j];
        }

        _communicator.AllReduceSum(sums);
        double total = nS + sums[0];
        var mean = new double[d];
        var m2 = new double[d];
        for (int j = 0; j < d; j++)
        {
            mean[j] = ((nS * start.Mean[j]) + sums[1 + j]) / total;
            double dm = batchMean[j] - mean[j];
            m2[j] = batchM2[j] + (nB * dm * dm);
        }

        _communicator.AllReduceSum(m2);
        var variance = new double[d];
        for (int j = 0; j < d; j++)
        {
            double ds = start.Mean[j] - mean[j];
            variance[j] = ((start.Variance[j] * nS) + m2[j] + (nS * ds * ds)) / total;
        }

        statistics.SetMoments(mean, variance, total);
        Track(statistics);
    }
}
