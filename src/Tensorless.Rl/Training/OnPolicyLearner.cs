using System.Diagnostics;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;

namespace Tensorless.Rl.Training;

/// <summary>
/// The part every on-policy algorithm shares (SB3's <c>OnPolicyAlgorithm</c>, by composition): the policy, the rollout
/// buffer and collector, the generator, normalisers, and the loop that alternates a rollout with the algorithm's own
/// update, times both, fills the standard metrics and runs the callbacks.
/// </summary>
public sealed class OnPolicyLearner
{
    private readonly Func<double, MetricsRecord, bool> _update;
    private readonly Stopwatch _clock = new();
    private double _wallSecondsBefore;
    private readonly MetricsRecord _metrics = MetricsRecord.CreateStandard();
    private bool _started;
    private IGradientReducer? _gradientReducer;
    private DataParallelRunner? _runner;
    private IReadOnlyList<ITrainingCallback>? _callbacks;
    private bool _going;

    /// <summary>
    /// Builds the learner. <paramref name="update"/> receives SB3's progress-remaining (1 at the start, 0 at the end of the
    /// budget) and the metrics record to fill, and returns false if it wants training to stop.
    /// </summary>
    public OnPolicyLearner(IVectorEnv env, OnPolicyOptions options, Func<double, MetricsRecord, bool> update)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(update);
        Env = env;
        Options = options;
        _update = update;
        Rng = new Xoshiro256(options.Seed);
        Policy = new ActorCriticPolicy(env.SingleObservationSpace, env.SingleActionSpace, options.Policy, Rng.Split());
        Buffer = new RolloutBuffer(options.NumSteps, env.NumEnvs, env.ObservationSize, env.ActionSize);
        ObservationNormalizer = options.NormalizeObservations ? new ObservationNormalizer(env.ObservationSize) : null;
        RewardScaler = options.NormalizeRewards ? new RewardScaler(env.NumEnvs, options.Gamma) : null;
        Collector = new RolloutCollector(env, options.NumSteps, ObservationNormalizer, RewardScaler);
        Progress = new TrainingProgress(Collector.Episodes);
    }

    /// <summary>The training env.</summary>
    public IVectorEnv Env { get; }

    /// <summary>The shared on-policy options (rollout, estimator, normalisation, seed).</summary>
    public OnPolicyOptions Options { get; }

    /// <summary>The generator for action sampling and minibatch shuffling (its state is part of a checkpoint).</summary>
    public Xoshiro256 Rng { get; }

    /// <summary>The actor-critic being trained.</summary>
    public ActorCriticPolicy Policy { get; }

    /// <summary>Storage for one rollout, T x N.</summary>
    public RolloutBuffer Buffer { get; }

    /// <summary>Collects rollouts and episode statistics.</summary>
    public RolloutCollector Collector { get; }

    /// <summary>Observation normaliser, when enabled.</summary>
    public ObservationNormalizer? ObservationNormalizer { get; }

    /// <summary>Reward scaler, when enabled.</summary>
    public RewardScaler? RewardScaler { get; }

    /// <summary>Counters and timings of the run so far.</summary>
    public TrainingProgress Progress { get; }

    /// <summary>
    /// Averages gradients, diagnostics and normaliser moments over a group of learners that each collect their own share
    /// of the rollouts (data-parallel training over processes, issue 14); null (the default) for a single learner.
    /// Setting it also sets the gradient runner's reducer.
    /// </summary>
    public IGradientReducer? GradientReducer
    {
        get => _gradientReducer;
        set
        {
            _gradientReducer = value;
            if (_runner is not null)
            {
                _runner.GradientReducer = value;
            }
        }
    }

    /// <summary>
    /// Where the algorithm computes its minibatch gradients when not on the CPU tape (issue 11), and through its
    /// <see cref="IGradientDevice.Rollout"/> where <see cref="CollectRollout"/> collects the rollouts; null (the CPU) by
    /// default. Set by a training run for <c>--device</c>; PPO's clipped objective and A2C read it for their gradients (the
    /// device's factory refuses the others). Not part of a checkpoint: a run resumes on any device.
    /// </summary>
    public IGradientDevice? Device { get; set; }

    /// <summary>Connects the algorithm's gradient runner, so <see cref="GradientReducer"/> reaches it.</summary>
    internal void AttachRunner(DataParallelRunner runner)
    {
        _runner = runner;
        runner.GradientReducer = _gradientReducer;
    }

    /// <summary>
    /// Trains until <paramref name="totalSteps"/> env steps have been taken in total (counting earlier calls), or a callback
    /// or the update asks to stop. Each update's metrics go to the callbacks. The same as <see cref="BeginLearning"/>, then
    /// <see cref="LearnStep"/> until it returns false, then <see cref="EndLearning"/>.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A loss or a parameter became NaN or infinite.</exception>
    public TrainingProgress Learn(long totalSteps, IReadOnlyList<ITrainingCallback> callbacks)
    {
        BeginLearning(totalSteps, callbacks);
        try
        {
            while (LearnStep())
            {
            }
        }
        finally
        {
            EndLearning();
        }

        return Progress;
    }

    /// <summary>
    /// Starts a stepwise <see cref="Learn"/>: sets the budget, tells the callbacks training starts and starts the clock. A
    /// population (many learners trained in lockstep) drives each learner through these three calls.
    /// </summary>
    /// <exception cref="InvalidOperationException">A stepwise run is already under way.</exception>
    public void BeginLearning(long totalSteps, IReadOnlyList<ITrainingCallback> callbacks)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentNullException.ThrowIfNull(callbacks);
        if (_callbacks is not null)
        {
            throw new InvalidOperationException("This learner is already training; call EndLearning first.");
        }

        Progress.TotalSteps = totalSteps;
        _callbacks = callbacks;
        _going = true;
        foreach (var c in callbacks)
        {
            c.OnTrainingStart(Progress);
        }

        _clock.Start();
    }

    /// <summary>
    /// One rollout and one update, then the callbacks, when the budget has room for a rollout and nothing asked to stop
    /// yet. Returns whether training goes on (false once the budget is used or the update or a callback said stop).
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="BeginLearning"/> was not called.</exception>
    /// <exception cref="TrainingDivergedException">A loss or a parameter became NaN or infinite.</exception>
    public bool LearnStep()
    {
        if (!BeginStep())
        {
            return false;
        }

        long t0 = Stopwatch.GetTimestamp();
        bool go = _update(StepProgressRemaining, _metrics);
        return FinishStep(go, Stopwatch.GetElapsedTime(t0).TotalSeconds);
    }

    /// <summary>The schedules' progress of the step <see cref="BeginStep"/> began (1 at the start of training, 0 at the end).</summary>
    internal double StepProgressRemaining { get; private set; }

    /// <summary>The record the update of the step under way fills (cleared by <see cref="BeginStep"/>).</summary>
    internal MetricsRecord StepMetrics => _metrics;

    /// <summary>
    /// <see cref="LearnStep"/>'s first half: false when the budget has no room for a rollout or something asked to stop;
    /// otherwise collects the rollout, clears <see cref="StepMetrics"/> and counts the update, which the caller then runs
    /// (a population's device runs many members' updates at once) before <see cref="FinishStep"/>.
    /// </summary>
    internal bool BeginStep()
    {
        _ = _callbacks ?? throw new InvalidOperationException("Call BeginLearning before LearnStep.");
        if (!_going || !RoomForRollout)
        {
            _going = false;
            return false;
        }

        StepProgressRemaining = 1.0 - (double)Progress.EnvSteps / Progress.TotalSteps;
        CollectRollout();
        _metrics.Clear();
        Progress.Updates++;
        return true;
    }

    /// <summary>
    /// <see cref="LearnStep"/>'s second half, after the update of the step <see cref="BeginStep"/> began: the progress,
    /// the finiteness check and the callbacks. Returns whether training goes on.
    /// </summary>
    /// <param name="go">What the update returned (false: the algorithm asks to stop).</param>
    /// <param name="updateSeconds">Wall seconds the update took (its share, when it ran batched with others).</param>
    internal bool FinishStep(bool go, double updateSeconds)
    {
        var callbacks = _callbacks ?? throw new InvalidOperationException("Call BeginLearning before LearnStep.");
        Progress.UpdateSeconds += updateSeconds;
        Progress.EnvSteps = Collector.EnvSteps;
        Progress.RolloutSeconds = Collector.Seconds;
        Progress.WallSeconds = _wallSecondsBefore + _clock.Elapsed.TotalSeconds;
        _going = false; // stays false if a check below throws
        CheckFinite();
        FillStandard(_metrics);
        foreach (var c in callbacks)
        {
            go &= c.OnUpdate(Progress, _metrics);
        }

        _going = go && RoomForRollout;
        return _going;
    }

    // whether the budget has room for one more rollout (a budget under one rollout still gets one)
    private bool RoomForRollout
    {
        get
        {
            long perRollout = (long)Options.NumSteps * Env.NumEnvs;
            return Progress.EnvSteps + perRollout <= Math.Max(Progress.TotalSteps, perRollout);
        }
    }

    /// <summary>Ends a stepwise run: stops the clock and tells the callbacks training ended. Does nothing when none is under way.</summary>
    public void EndLearning()
    {
        if (_callbacks is not { } callbacks)
        {
            return;
        }

        _callbacks = null;
        _going = false;
        _clock.Stop();
        Progress.WallSeconds = _wallSecondsBefore + _clock.Elapsed.TotalSeconds;
        foreach (var c in callbacks)
        {
            c.OnTrainingEnd(Progress);
        }
    }

    /// <summary>
    /// Collects one rollout of T steps into <see cref="Buffer"/> with the current policy and fills its advantages and
    /// returns (resetting the envs first, on the first call). <see cref="Learn"/> calls it before every update; a
    /// benchmark or a test calls it to drive an algorithm's <c>Update</c> directly.
    /// </summary>
    public void CollectRollout()
    {
        EnsureStarted();
        Collector.Collect(Policy, Buffer, Rng, Options.AdvantageEstimator, Options.Gamma, Options.GaeLambda, Options.NStep, RolloutDevice ?? Device?.Rollout);
        if (_gradientReducer is { } reducer)
        {
            // each learner normalised its own rollout with its own moments; merge them so the next rollout starts equal
            if (ObservationNormalizer is { } obs)
            {
                reducer.Merge(obs.Statistics);
            }

            if (RewardScaler is { } rewards)
            {
                reducer.Merge(rewards.Statistics);
            }
        }
    }

    /// <summary>
    /// Resets the envs with the run's seed unless that has happened (the first rollout does it), so that a rollout collected
    /// outside this learner (<see cref="IPopulationRolloutDevice"/>) starts where the learner's own would.
    /// </summary>
    public void EnsureStarted()
    {
        if (!_started)
        {
            Collector.Start(Options.Seed);
            _started = true;
        }
    }

    /// <summary>
    /// Where this learner's rollouts are collected when not by <see cref="Device"/> or the CPU: a member's part of a
    /// population's batched device rollout (<see cref="IPopulationRolloutDevice.Member"/>), set by the population; null
    /// (the default) otherwise. Not part of a checkpoint.
    /// </summary>
    public IRolloutDevice? RolloutDevice { get; set; }

    /// <summary>Whether the first <see cref="Learn"/> has reset the envs (checkpoints).</summary>
    internal bool Started => _started;

    /// <summary>Wall time of the run before this process took it over (checkpoints), so timings stay cumulative.</summary>
    internal void RestoreWallSeconds(double seconds) => _wallSecondsBefore = double.IsFinite(seconds) && seconds > 0 ? seconds : 0.0;

    /// <summary>Marks the envs as already reset, so a resumed run continues instead of resetting them (checkpoints).</summary>
    internal void MarkStarted() => _started = true;

    /// <summary>Throws <see cref="TrainingDivergedException"/> when <paramref name="value"/> is NaN or infinite.</summary>
    public void EnsureFinite(double value, string what)
    {
        if (!double.IsFinite(value))
        {
            throw new TrainingDivergedException(Progress.Updates, what);
        }
    }

    private void FillStandard(MetricsRecord m)
    {
        m.Set(MetricNames.Update, (long)Progress.Updates);
        m.Set(MetricNames.EnvSteps, Progress.EnvSteps);
        m.Set(MetricNames.Episodes, Progress.Episodes.EpisodeCount);
        m.Set(MetricNames.WallSeconds, Progress.WallSeconds);
        m.Set(MetricNames.RolloutSeconds, Progress.RolloutSeconds);
        m.Set(MetricNames.UpdateSeconds, Progress.UpdateSeconds);
        m.Set(MetricNames.StepsPerSecond, Progress.WallSeconds > 0 ? Progress.EnvSteps / Progress.WallSeconds : double.NaN);
        m.Set(MetricNames.EpisodeReturnMean, Progress.Episodes.MeanReturn);
        m.Set(MetricNames.EpisodeLengthMean, Progress.Episodes.MeanLength);
        m.Set(MetricNames.ExplainedVariance, ExplainedVariance.Compute(Buffer.Values, Buffer.Returns));
    }

    /// <summary>Throws when an update left a parameter NaN or infinite (losses are checked by the update itself).</summary>
    private void CheckFinite()
    {
        foreach (var p in Policy.Parameters)
        {
            foreach (double x in p.Data)
            {
                if (!double.IsFinite(x))
                {
                    throw new TrainingDivergedException(Progress.Updates, $"parameter {p.Name}");
                }
            }
        }
    }
}
