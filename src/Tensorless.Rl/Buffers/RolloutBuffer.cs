using Tensorless.Rl.Advantages;

namespace Tensorless.Rl.Buffers;

/// <summary>
/// On-policy rollout storage: T steps of N environments as a structure of arrays, allocated once.
/// </summary>
/// <remarks>
/// <para>
/// Every per-sample array is time-major, sample <c>(t, env)</c> at flat index <c>i = t * NumEnvs + env</c>; rows of
/// observations and actions are contiguous (<c>i * ObservationSize</c>, <c>i * ActionSize</c>). This is the layout
/// <see cref="AdvantageEstimators"/> expects, so <see cref="ComputeAdvantages"/> runs on the arrays in place.
/// </para>
/// <para>One iteration of a learner uses the buffer like this (CleanRL's storage, SB3's RolloutBuffer):</para>
/// <list type="number">
/// <item><description>for each step t: <see cref="WriteStep"/> with the observation the policy saw, its action, value
/// and log-prob, and the env's reward, flags and final observations;</description></item>
/// <item><description><see cref="SetLastObservations"/> with the observation after the last step, then fill
/// <see cref="LastValues"/> with V of it;</description></item>
/// <item><description>fill <see cref="TruncationValues"/> with V of the final observation at truncated steps
/// (<see cref="CopyTruncatedIndices"/> + <see cref="GatherFinalObservations"/> give one batch for the value net);</description></item>
/// <item><description><see cref="ComputeAdvantages"/>, then <see cref="Gather"/> minibatches of shuffled flat indices.</description></item>
/// </list>
/// <para>No method allocates.</para>
/// </remarks>
public sealed partial class RolloutBuffer
{
    private readonly double[] _observations;
    private readonly double[] _finalObservations;
    private readonly double[] _lastObservations;
    private readonly double[] _actions;
    private readonly double[] _rewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly double[] _values;
    private readonly double[] _logProbs;
    private readonly double[] _truncationValues;
    private readonly double[] _lastValues;
    private readonly double[] _advantages;
    private readonly double[] _returns;

    /// <summary>Allocates storage for <paramref name="steps"/> x <paramref name="numEnvs"/> samples.</summary>
    /// <param name="steps">Rollout length T (steps per environment), at least 1.</param>
    /// <param name="numEnvs">Number of environments N, at least 1.</param>
    /// <param name="observationSize">Length of one flattened observation, at least 1.</param>
    /// <param name="actionSize">Length of one action row (1 for a Discrete action stored as its index), at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1, or the arrays would exceed int indexing.</exception>
    public RolloutBuffer(int steps, int numEnvs, int observationSize, int actionSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(numEnvs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(observationSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionSize, 1);
        long count = (long)steps * numEnvs;
        if (count * Math.Max(observationSize, actionSize) > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(steps),
                $"steps * numEnvs * max(observationSize, actionSize) = {count * Math.Max(observationSize, actionSize)} exceeds the largest array.");
        }

        Steps = steps;
        NumEnvs = numEnvs;
        ObservationSize = observationSize;
        ActionSize = actionSize;
        Count = (int)count;
        _observations = new double[Count * observationSize];
        _finalObservations = new double[Count * observationSize];
        _lastObservations = new double[numEnvs * observationSize];
        _actions = new double[Count * actionSize];
        _rewards = new double[Count];
        _terminated = new bool[Count];
        _truncated = new bool[Count];
        _values = new double[Count];
        _logProbs = new double[Count];
        _truncationValues = new double[Count];
        _lastValues = new double[numEnvs];
        _advantages = new double[Count];
        _returns = new double[Count];
        Clear();
    }

    /// <summary>Rollout length T: steps per environment.</summary>
    public int Steps { get; }

    /// <summary>Number of environments N.</summary>
    public int NumEnvs { get; }

    /// <summary>Length of one flattened observation.</summary>
    public int ObservationSize { get; }

    /// <summary>Length of one action row.</summary>
    public int ActionSize { get; }

    /// <summary>Number of samples, <c>Steps * NumEnvs</c>.</summary>
    public int Count { get; }

    /// <summary>Observations s_t the policy acted on, <c>Count * ObservationSize</c>.</summary>
    public Span<double> Observations => _observations;

    /// <summary>
    /// Final observations of episodes that were truncated at a step, row <c>i</c> valid where
    /// <c>Truncated[i] &amp;&amp; !Terminated[i]</c> (the vector env had already auto-reset); <c>Count * ObservationSize</c>.
    /// </summary>
    public Span<double> FinalObservations => _finalObservations;

    /// <summary>The observation after the last step of each environment, <c>NumEnvs * ObservationSize</c>.</summary>
    public Span<double> LastObservations => _lastObservations;

    /// <summary>Actions a_t, <c>Count * ActionSize</c>.</summary>
    public Span<double> Actions => _actions;

    /// <summary>Rewards r_t (as used for learning: scaled if a <see cref="Normalization.RewardScaler"/> is on).</summary>
    public Span<double> Rewards => _rewards;

    /// <summary>Terminated flags (a real end: the value after it is 0).</summary>
    public Span<bool> Terminated => _terminated;

    /// <summary>Truncated flags (a time limit: bootstrap from <see cref="TruncationValues"/>).</summary>
    public Span<bool> Truncated => _truncated;

    /// <summary>V(s_t) predicted during the rollout.</summary>
    public Span<double> Values => _values;

    /// <summary>log pi_old(a_t | s_t) during the rollout.</summary>
    public Span<double> LogProbs => _logProbs;

    /// <summary>
    /// V(final observation) at truncated steps, filled by the learner; NaN after <see cref="WriteStep"/> so that an
    /// entry the learner forgot shows up as NaN advantages rather than a silent wrong bootstrap.
    /// </summary>
    public Span<double> TruncationValues => _truncationValues;

    /// <summary>V of <see cref="LastObservations"/>, one per environment, filled by the learner.</summary>
    public Span<double> LastValues => _lastValues;

    /// <summary>Advantages, written by <see cref="ComputeAdvantages"/>.</summary>
    public Span<double> Advantages => _advantages;

    /// <summary>Returns (value targets, advantages + values), written by <see cref="ComputeAdvantages"/>.</summary>
    public Span<double> Returns => _returns;

    /// <summary>Zeroes every array and sets <see cref="TruncationValues"/> to NaN.</summary>
    public void Clear()
    {
        Array.Clear(_observations);
        Array.Clear(_finalObservations);
        Array.Clear(_lastObservations);
        Array.Clear(_actions);
        Array.Clear(_rewards);
        Array.Clear(_terminated);
        Array.Clear(_truncated);
        Array.Clear(_values);
        Array.Clear(_logProbs);
        Array.Fill(_truncationValues, double.NaN);
        Array.Clear(_lastValues);
        Array.Clear(_advantages);
        Array.Clear(_returns);
    }

    /// <summary>Writes step <paramref name="t"/> for all environments.</summary>
    /// <param name="t">Step index in [0, Steps).</param>
    /// <param name="observations">The observations the policy acted on, <c>NumEnvs * ObservationSize</c>.</param>
    /// <param name="actions">The actions taken, <c>NumEnvs * ActionSize</c>.</param>
    /// <param name="rewards">Rewards, <c>NumEnvs</c>.</param>
    /// <param name="terminated">Terminated flags, <c>NumEnvs</c>.</param>
    /// <param name="truncated">Truncated flags, <c>NumEnvs</c>.</param>
    /// <param name="values">V(s_t), <c>NumEnvs</c>.</param>
    /// <param name="logProbs">log pi(a_t | s_t), <c>NumEnvs</c>.</param>
    /// <param name="finalObservations">
    /// The vector env's final observations (<c>NumEnvs * ObservationSize</c>, rows read only where truncated and not
    /// terminated). May be empty when no environment was truncated at this step.
    /// </param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="t"/> is outside [0, Steps).</exception>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    public void WriteStep(
        int t,
        ReadOnlySpan<double> observations,
        ReadOnlySpan<double> actions,
        ReadOnlySpan<double> rewards,
        ReadOnlySpan<bool> terminated,
        ReadOnlySpan<bool> truncated,
        ReadOnlySpan<double> values,
        ReadOnlySpan<double> logProbs,
        ReadOnlySpan<double> finalObservations = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(t);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(t, Steps);
        int n = NumEnvs;
        CheckLength(observations.Length, n * ObservationSize, nameof(observations));
        CheckLength(actions.Length, n * ActionSize, nameof(actions));
        CheckLength(rewards.Length, n, nameof(rewards));
        CheckLength(terminated.Length, n, nameof(terminated));
        CheckLength(truncated.Length, n, nameof(truncated));
        CheckLength(values.Length, n, nameof(values));
        CheckLength(logProbs.Length, n, nameof(logProbs));
        if (!finalObservations.IsEmpty)
        {
            CheckLength(finalObservations.Length, n * ObservationSize, nameof(finalObservations));
        }

        int row = t * n;
        observations.CopyTo(_observations.AsSpan(row * ObservationSize));
        actions.CopyTo(_actions.AsSpan(row * ActionSize));
        rewards.CopyTo(_rewards.AsSpan(row));
        terminated.CopyTo(_terminated.AsSpan(row));
        truncated.CopyTo(_truncated.AsSpan(row));
        values.CopyTo(_values.AsSpan(row));
        logProbs.CopyTo(_logProbs.AsSpan(row));
        _truncationValues.AsSpan(row, n).Fill(double.NaN);
        int d = ObservationSize;
        for (int env = 0; env < n; env++)
        {
            if (truncated[env] && !terminated[env])
            {
                if (finalObservations.IsEmpty)
                {
                    throw new ArgumentException(
                        $"Environment {env} was truncated at step {t} but finalObservations is empty; the truncation bootstrap needs the final observation.",
                        nameof(finalObservations));
                }

                finalObservations.Slice(env * d, d).CopyTo(_finalObservations.AsSpan((row + env) * d, d));
            }
        }
    }

    /// <summary>Stores the observation after the last step of each environment (the bootstrap state).</summary>
    /// <param name="observations">Observations, <c>NumEnvs * ObservationSize</c>.</param>
    /// <exception cref="ArgumentException">The span has the wrong length.</exception>
    public void SetLastObservations(ReadOnlySpan<double> observations)
    {
        CheckLength(observations.Length, _lastObservations.Length, nameof(observations));
        observations.CopyTo(_lastObservations);
    }

    /// <summary>Number of samples that were truncated and not terminated (the ones that need a truncation value).</summary>
    /// <returns>The count, at most <see cref="Count"/>.</returns>
    public int CountTruncated()
    {
        int count = 0;
        for (int i = 0; i < Count; i++)
        {
            count += _truncated[i] && !_terminated[i] ? 1 : 0;
        }

        return count;
    }

    /// <summary>Writes the flat indices of the samples that were truncated and not terminated, in order.</summary>
    /// <param name="destination">At least <see cref="CountTruncated"/> elements.</param>
    /// <returns>How many indices were written.</returns>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is too short.</exception>
    public int CopyTruncatedIndices(Span<int> destination)
    {
        int written = 0;
        for (int i = 0; i < Count; i++)
        {
            if (_truncated[i] && !_terminated[i])
            {
                if (written == destination.Length)
                {
                    throw new ArgumentException(
                        $"destination has length {destination.Length}; expected at least {CountTruncated()} (CountTruncated()).",
                        nameof(destination));
                }

                destination[written++] = i;
            }
        }

        return written;
    }

    /// <summary>Copies the final-observation rows of the given flat indices into one batch.</summary>
    /// <param name="indices">Flat sample indices in [0, Count).</param>
    /// <param name="destination">Batch, <c>indices.Length * ObservationSize</c>.</param>
    /// <exception cref="ArgumentException">The destination has the wrong length.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, Count).</exception>
    public void GatherFinalObservations(ReadOnlySpan<int> indices, Span<double> destination)
    {
        CheckLength(destination.Length, indices.Length * ObservationSize, nameof(destination));
        foreach (int index in indices)
        {
            CheckIndex(index);
        }

        GatherRows(_finalObservations, ObservationSize, indices, destination);
    }

    /// <summary>Writes <c>TruncationValues[indices[k]] = values[k]</c>.</summary>
    /// <param name="indices">Flat sample indices in [0, Count).</param>
    /// <param name="values">V of the final observations, same length as <paramref name="indices"/>.</param>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, Count).</exception>
    public void ScatterTruncationValues(ReadOnlySpan<int> indices, ReadOnlySpan<double> values)
    {
        CheckLength(values.Length, indices.Length, nameof(values));
        for (int k = 0; k < indices.Length; k++)
        {
            _truncationValues[CheckIndex(indices[k])] = values[k];
        }
    }

    /// <summary>
    /// Fills <see cref="Advantages"/> and <see cref="Returns"/> from the stored rollout with the chosen estimator
    /// (see <see cref="AdvantageEstimators"/> for the boundary rules).
    /// </summary>
    /// <param name="method">Which estimator.</param>
    /// <param name="gamma">Discount factor in [0, 1].</param>
    /// <param name="lambda">GAE lambda in [0, 1] (used by <see cref="AdvantageEstimator.Gae"/> only).</param>
    /// <param name="n">n-step horizon, at least 1 (used by <see cref="AdvantageEstimator.NStep"/> only).</param>
    /// <exception cref="ArgumentException">As <see cref="AdvantageEstimators.Compute"/>.</exception>
    public void ComputeAdvantages(AdvantageEstimator method, double gamma, double lambda = 1.0, int n = 1) =>
        AdvantageEstimators.Compute(
            method, _rewards, _values, _terminated, _truncated, _truncationValues, _lastValues, gamma, lambda, n, _advantages, _returns);
}
