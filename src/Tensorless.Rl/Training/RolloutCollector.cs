using System.Diagnostics;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Policies;

namespace Tensorless.Rl.Training;

/// <summary>
/// Runs the policy in a vector env for T steps and fills a <see cref="RolloutBuffer"/> (SB3's
/// <c>collect_rollouts</c>): actions are sampled on an inference tape, Box actions are clipped to the space only when
/// sent to the env (the buffer keeps the unclipped sample, whose log-probability was taken), rewards are optionally
/// scaled, truncated episodes get V(final observation) as their bootstrap, and the value of the observation after the
/// last step bootstraps the rollout's end. All storage is allocated once.
/// </summary>
public sealed class RolloutCollector
{
    private readonly IVectorEnv _env;
    private readonly ObservationNormalizer? _observationNormalizer;
    private readonly RewardScaler? _rewardScaler;
    private readonly Tape _inference = new(recording: false);
    private readonly double[] _rawObservations;
    private readonly double[] _observations;
    private readonly double[] _finalObservations;
    private readonly double[] _actions;
    private readonly double[] _envActions;
    private readonly double[] _rewards;
    private readonly double[] _scaledRewards;
    private readonly bool[] _terminated;
    private readonly bool[] _truncated;
    private readonly double[] _values;
    private readonly double[] _logProbs;
    private readonly int[] _truncatedIndices;
    private readonly double[] _truncatedObservations;
    private readonly double[] _truncatedValues;
    private readonly double[]? _actionLow;
    private readonly double[]? _actionHigh;
    private bool _started;

    /// <summary>Creates a collector over <paramref name="env"/> with optional observation and reward normalisation.</summary>
    public RolloutCollector(IVectorEnv env, int steps, ObservationNormalizer? observationNormalizer, RewardScaler? rewardScaler)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentOutOfRangeException.ThrowIfLessThan(steps, 1);
        _env = env;
        _observationNormalizer = observationNormalizer;
        _rewardScaler = rewardScaler;
        int n = env.NumEnvs;
        int obs = env.ObservationSize;
        int act = env.ActionSize;
        _rawObservations = new double[n * obs];
        _observations = new double[n * obs];
        _finalObservations = new double[n * obs];
        _actions = new double[n * act];
        _envActions = new double[n * act];
        _rewards = new double[n];
        _scaledRewards = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];
        _values = new double[n];
        _logProbs = new double[n];
        _truncatedIndices = new int[steps * n];
        _truncatedObservations = new double[steps * n * obs];
        _truncatedValues = new double[steps * n];
        Episodes = new EpisodeStatistics(n, keepHistory: true);
        if (env.SingleActionSpace is Box box)
        {
            _actionLow = box.Low;
            _actionHigh = box.High;
        }
    }

    /// <summary>Returns and lengths of the episodes finished so far (window of 100 and full history).</summary>
    public EpisodeStatistics Episodes { get; }

    /// <summary>Env steps taken (summed over the N envs).</summary>
    public long EnvSteps { get; private set; }

    /// <summary>Wall time spent collecting, in seconds.</summary>
    public double Seconds { get; private set; }

    /// <summary>The current (normalised) observations, N x obs; valid after the first rollout.</summary>
    public ReadOnlySpan<double> CurrentObservations => _observations;

    /// <summary>The current raw (unnormalised) observations, N x obs (checkpoints).</summary>
    internal ReadOnlySpan<double> RawObservations => _rawObservations;

    /// <summary>Whether <see cref="Start"/> has run (checkpoints).</summary>
    internal bool Started => _started;

    /// <summary>Puts the collector where a checkpoint left it, without touching the env (which restores itself).</summary>
    internal void Restore(long envSteps, double seconds, ReadOnlySpan<double> rawObservations, ReadOnlySpan<double> observations)
    {
        rawObservations.CopyTo(_rawObservations);
        observations.CopyTo(_observations);
        EnvSteps = envSteps;
        Seconds = seconds;
        _started = true;
    }

    /// <summary>Resets the envs with <paramref name="seed"/>; the next <see cref="Collect"/> starts from there.</summary>
    public void Start(ulong seed)
    {
        _env.Reset(_rawObservations, seed);
        Normalize(_rawObservations, _observations, update: true);
        _started = true;
    }

    /// <summary>Fills <paramref name="buffer"/> with one rollout and computes its advantages and returns.</summary>
    /// <exception cref="InvalidOperationException"><see cref="Start"/> was not called.</exception>
    /// <param name="policy">The policy that acts.</param>
    /// <param name="buffer">Where the rollout goes.</param>
    /// <param name="rng">The generator the actions are drawn from.</param>
    /// <param name="estimator">The advantage estimator.</param>
    /// <param name="gamma">The discount.</param>
    /// <param name="lambda">GAE's lambda.</param>
    /// <param name="nSteps">The n-step estimator's horizon.</param>
    /// <param name="device">Where to collect it, or null for the CPU (see <see cref="IRolloutDevice"/>).</param>
    public void Collect(ActorCriticPolicy policy, RolloutBuffer buffer, Xoshiro256 rng, AdvantageEstimator estimator, double gamma, double lambda, int nSteps, IRolloutDevice? device = null)
    {
        if (!_started)
        {
            throw new InvalidOperationException("Call Start(seed) before collecting rollouts.");
        }

        if (device is not null)
        {
            CollectOn(device, policy, buffer, rng, estimator, gamma, lambda, nSteps);
            return;
        }

        long t0 = Stopwatch.GetTimestamp();
        using var snapshot = policy.SnapshotWeights(); // the weights stay fixed for the whole rollout
        int n = _env.NumEnvs;
        int obsSize = _env.ObservationSize;
        buffer.Clear();
        for (int t = 0; t < buffer.Steps; t++)
        {
            _inference.Reset();
            policy.Act(_inference, _observations, n, rng, deterministic: false, _actions, _values, _logProbs);
            ClipActions();
            _env.Step(_envActions, _rawObservations, _rewards, _terminated, _truncated);
            Episodes.Record(_rewards, _terminated, _truncated);
            ReadOnlySpan<double> rewards = _rewards;
            if (_rewardScaler is not null)
            {
                _rewardScaler.Scale(_rewards, _terminated, _truncated, _scaledRewards);
                rewards = _scaledRewards;
            }

            var hasFinal = _env.HasFinalObservation;
            var final = _env.FinalObservations;
            CheckFinalObservations(hasFinal, final);
            for (int i = 0; i < n; i++)
            {
                if (hasFinal[i])
                {
                    Normalize(final.Slice(i * obsSize, obsSize), _finalObservations.AsSpan(i * obsSize, obsSize), update: false);
                }
                else if (_truncated[i])
                {
                    // the row in _finalObservations is a stale one from an earlier episode: bootstrapping from it would
                    // be silently wrong, so a user env that breaks the contract is named here
                    throw new InvalidOperationException(
                        $"{_env.Id}: env {i} reported truncated without a final observation (HasFinalObservation[{i}] is false); an IVectorEnv must write FinalObservations and set HasFinalObservation for every truncated env.");
                }
            }

            buffer.WriteStep(t, _observations, _actions, rewards, _terminated, _truncated, _values, _logProbs, _finalObservations);
            Normalize(_rawObservations, _observations, update: true);
        }

        EnvSteps += (long)buffer.Steps * n;
        buffer.SetLastObservations(_observations);
        _inference.Reset();
        policy.PredictValues(_inference, _observations, n, buffer.LastValues);
        BootstrapTruncations(policy, buffer);
        buffer.ComputeAdvantages(estimator, gamma, lambda, nSteps);
        Seconds += Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    // the device fills the buffer and moves the env and the generator; the episode statistics and counters are kept here
    private void CollectOn(IRolloutDevice device, ActorCriticPolicy policy, RolloutBuffer buffer, Xoshiro256 rng, AdvantageEstimator estimator, double gamma, double lambda, int nSteps)
    {
        if (_observationNormalizer is not null || _rewardScaler is not null)
        {
            throw new InvalidOperationException(
                $"{device.Name} collects rollouts without observation or reward normalisation; this run normalises, so its rollouts run on the CPU.");
        }

        long t0 = Stopwatch.GetTimestamp();
        int n = _env.NumEnvs;
        buffer.Clear();
        bool advantagesDone = device.Collect(policy, buffer, rng, _observations, estimator, gamma, lambda);
        _observations.AsSpan().CopyTo(_rawObservations);
        for (int t = 0; t < buffer.Steps; t++)
        {
            Episodes.Record(buffer.Rewards.Slice(t * n, n), buffer.Terminated.Slice(t * n, n), buffer.Truncated.Slice(t * n, n));
        }

        EnvSteps += (long)buffer.Steps * n;
        if (!advantagesDone)
        {
            buffer.ComputeAdvantages(estimator, gamma, lambda, nSteps);
        }

        Seconds += Stopwatch.GetElapsedTime(t0).TotalSeconds + device.SharedSeconds;
    }

    /// <summary>Checks the shapes of the env's final-observation spans (a user env may return short or empty ones).</summary>
    private void CheckFinalObservations(ReadOnlySpan<bool> hasFinal, ReadOnlySpan<double> final)
    {
        int n = _env.NumEnvs;
        if (hasFinal.Length != n || final.Length != n * _env.ObservationSize)
        {
            throw new InvalidOperationException(
                $"{_env.Id}: HasFinalObservation holds {hasFinal.Length} flags and FinalObservations {final.Length} values; an IVectorEnv of {n} envs must expose {n} and {n * _env.ObservationSize}.");
        }
    }

    /// <summary>V(final observation) for every truncated step, computed in one batch.</summary>
    private void BootstrapTruncations(ActorCriticPolicy policy, RolloutBuffer buffer)
    {
        int count = buffer.CopyTruncatedIndices(_truncatedIndices);
        if (count == 0)
        {
            return;
        }

        int obs = _env.ObservationSize;
        var indices = _truncatedIndices.AsSpan(0, count);
        var observations = _truncatedObservations.AsSpan(0, count * obs);
        buffer.GatherFinalObservations(indices, observations);
        _inference.Reset();
        policy.PredictValues(_inference, observations, count, _truncatedValues.AsSpan(0, count));
        buffer.ScatterTruncationValues(indices, _truncatedValues.AsSpan(0, count));
    }

    private void ClipActions()
    {
        if (_actionLow is null)
        {
            _actions.AsSpan().CopyTo(_envActions);
            return;
        }

        int d = _actionLow.Length;
        for (int i = 0; i < _actions.Length; i++)
        {
            _envActions[i] = Math.Clamp(_actions[i], _actionLow[i % d], _actionHigh![i % d]);
        }
    }

    private void Normalize(ReadOnlySpan<double> raw, Span<double> destination, bool update)
    {
        if (_observationNormalizer is null)
        {
            raw.CopyTo(destination);
        }
        else if (update)
        {
            _observationNormalizer.Normalize(raw, destination);
        }
        else
        {
            _observationNormalizer.NormalizeWithoutUpdate(raw, destination);
        }
    }
}
