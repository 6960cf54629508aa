using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Plotting;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Runs;

/// <summary>
/// One training run as <c>tensorless train</c> runs it, callable from C# (and from a sweep): resolve a preset plus
/// overrides (or resume a saved run), train with periodic atomic checkpoints and metrics files, save the final
/// checkpoint and the learning curve, evaluate on a separate env, and write <c>summary.json</c>. The run directory
/// holds summary.json, metrics.csv, metrics.jsonl, model.safetensors, config.json and curve.svg.
/// </summary>
public sealed partial class TrainingRun : IDisposable
{
    /// <summary>Checkpoint interval when the request names none.</summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromSeconds(30);

    /// <summary>Offset of the evaluation seed from the training seed, so evaluation episodes start where training never did.</summary>
    public const ulong EvaluationSeedOffset = 1_000_003;

    private readonly TimeSpan _checkpointInterval;
    private readonly RunLock _lock;
    private TrainingState? _training;
    private RunResult? _result;
    private bool _failed;

    private TrainingRun(RunSetup setup, IOnPolicyAlgorithm agent, bool resumed, TimeSpan checkpointInterval, RunLock runLock)
    {
        Setup = setup;
        Agent = agent;
        Resumed = resumed;
        _checkpointInterval = checkpointInterval;
        _lock = runLock;
    }

    /// <summary>The resolved algorithm, env, options, budget, target and directory.</summary>
    public RunSetup Setup { get; }

    /// <summary>The agent being trained.</summary>
    public IOnPolicyAlgorithm Agent { get; }

    /// <summary>Whether training diverged (a NaN or infinite loss or parameter) in <see cref="TrainStep"/>.</summary>
    public bool HasDiverged => _training?.Diverged is not null || _result?.Status == RunStatus.Diverged;

    /// <summary>Whether the run continues a saved one.</summary>
    public bool Resumed { get; }

    /// <summary>
    /// Builds the callback that stops training at the target (<see cref="RunSetup.Target"/>, passed in); null, the
    /// default, is <see cref="StopOnReward"/> over this run's own episodes. Data-parallel training sets one that pools the
    /// episodes of every rank, so all ranks stop at the same update (issue 14).
    /// </summary>
    public Func<double, ITrainingCallback>? TargetStop { get; set; }

    /// <summary>
    /// Resolves <paramref name="request"/> and builds the agent, or, with <see cref="RunRequest.ResumeDirectory"/>, loads
    /// the saved run to continue it exactly. The run directory is locked (<c>.lock</c>, held until <see cref="Dispose"/>), so
    /// a second run on the same folder is refused; nothing else is trained or written yet.
    /// </summary>
    /// <remarks>
    /// A resumed run keeps the budget it was saved with (config.json's <c>progress.total_steps</c>) and so the schedules it
    /// was started with: it ends with the same bits as one uninterrupted run of that budget (same thread count). A different
    /// <see cref="RunRequest.TotalSteps"/> is refused unless <see cref="RunRequest.Extend"/> is set; then the budget becomes
    /// the new one and the linear schedules are re-anchored to it from where the run stands, which matches no single straight
    /// run (with constant schedules it matches a straight run of the new budget). A checkpoint that predates saved budgets
    /// takes <see cref="RunRequest.TotalSteps"/> (or the default) as before.
    /// </remarks>
    /// <param name="request">What to run.</param>
    /// <returns>The prepared run; dispose it to stop its threads and release the folder.</returns>
    /// <exception cref="ArgumentException">An option, preset, algorithm, env id or override is invalid; the message names it.</exception>
    /// <exception cref="InvalidDataException">The run to resume is missing, corrupt or inconsistent.</exception>
    /// <exception cref="IOException">Another run holds the run directory, or it cannot be created.</exception>
    public static TrainingRun Prepare(RunRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var interval = request.CheckpointInterval ?? DefaultCheckpointInterval;
        if (interval <= TimeSpan.Zero)
        {
            throw new ArgumentException($"The checkpoint interval must be positive, got {interval}.");
        }

        if (request.ResumeDirectory is not string resumeDir)
        {
            if (request.Extend)
            {
                throw new ArgumentException("--extend changes the budget of a resumed run; it needs --resume.");
            }

            var setup = RunSetup.Resolve(request);
            var freshLock = RunLock.Acquire(setup.OutputDirectory);
            try
            {
                return new TrainingRun(setup, AttachDevice(setup.CreateAgent(), request.Device), resumed: false, interval, freshLock);
            }
            catch
            {
                freshLock.Dispose();
                throw;
            }
        }

        if (request.Overrides.Count > 0 || request.Preset is not null || request.Algorithm is not null || request.EnvId is not null || request.Seed is not null || request.Threads is not null)
        {
            throw new ArgumentException("--resume continues a saved run with its own algorithm, env, seed, thread count and options; drop --algo, --env, --preset, --seed, --threads and --set.");
        }

        if (request.TotalSteps is long steps && steps < 1)
        {
            throw new ArgumentException($"--total-steps must be positive, got {steps}.");
        }

        if (request.Extend && request.TotalSteps is null)
        {
            throw new ArgumentException("--extend needs --total-steps: the new budget of the resumed run.");
        }

        if (request.EvalEpisodes < 0)
        {
            throw new ArgumentException($"--eval-episodes must be 0 or more, got {request.EvalEpisodes}.");
        }

        string outDir = request.OutputDirectory ?? resumeDir;
        var runLock = RunLock.Acquire(outDir);
        IOnPolicyAlgorithm? agent = null;
        try
        {
            if (string.Equals(Path.GetFullPath(outDir), Path.GetFullPath(resumeDir), StringComparison.Ordinal))
            {
                // This run owns the folder now: finish a save a crash tore, before anything is appended to it.
                Checkpoint.Recover(resumeDir);
            }

            agent = AttachDevice(Checkpoint.Resume(resumeDir), request.Device);
            var spec = Gym.Spec(agent.EnvId);
            double? target = request.NoTarget ? null : request.Target ?? spec.RewardThreshold;
            var resumed = new RunSetup(
                AlgorithmRegistry.Get(agent.Algorithm),
                agent.EnvId,
                null,
                agent.Options,
                ResumedBudget(request, agent.Learner.Progress.TotalSteps),
                target,
                request.EvalEpisodes,
                outDir);
            return new TrainingRun(resumed, agent, resumed: true, interval, runLock);
        }
        catch
        {
            agent?.Dispose();
            runLock.Dispose();
            throw;
        }
    }

    /// <summary>Puts <paramref name="agent"/>'s gradients on <paramref name="device"/> (nothing for null or cpu); disposes the agent if that fails.</summary>
    private static IOnPolicyAlgorithm AttachDevice(IOnPolicyAlgorithm agent, string? device)
    {
        if (device is null)
        {
            return agent;
        }

        try
        {
            agent.Learner.Device = GradientDevices.Create(device, agent);
            return agent;
        }
        catch
        {
            agent.Dispose();
            throw;
        }
    }

    /// <summary>The budget of a resumed run: the saved one, unless <see cref="RunRequest.Extend"/> names another.</summary>
    private static long ResumedBudget(RunRequest request, long saved)
    {
        if (saved <= 0)
        {
            return request.TotalSteps ?? RunSetup.DefaultTotalSteps;
        }

        if (request.TotalSteps is not long asked || asked == saved)
        {
            return saved;
        }

        return request.Extend
            ? asked
            : throw new ArgumentException(
                $"--total-steps {asked} differs from the resumed run's budget of {saved} steps. A resume keeps its budget (and so its learning-rate and clip schedules) to end with the same bits as one uninterrupted run; " +
                "add --extend to train to the new budget (schedules re-anchored from here, not bit-exact with any single run).");
    }

    /// <summary>Prepares and trains in one call (<see cref="Prepare"/>, then <see cref="Train"/>).</summary>
    /// <param name="request">What to run.</param>
    /// <param name="callbacks">Extra callbacks (progress display, custom stops).</param>
    /// <returns>How the run ended.</returns>
    public static RunResult Run(RunRequest request, params ITrainingCallback[] callbacks)
    {
        using var run = Prepare(request);
        return run.Train(callbacks);
    }

    /// <summary>
    /// Trains to the budget or the target (or until a callback or <paramref name="cancellation"/> stops it), then saves,
    /// evaluates and summarises into the run directory. A diverged run (a NaN loss or parameter) ends with
    /// <see cref="RunStatus.Diverged"/>: its summary is written, its error says whether a checkpoint from before it is in the
    /// folder, and no checkpoint of the diverged state is saved. A resumed run first cuts metrics.csv and metrics.jsonl back
    /// to the checkpoint's update, so rows written after it by a crashed run do not appear twice.
    /// </summary>
    /// <param name="callbacks">Extra callbacks, run after the metrics files and before the checkpoint.</param>
    /// <param name="cancellation">Stops training after the current update; the run still saves, evaluates and summarises.</param>
    /// <returns>How the run ended.</returns>
    public RunResult Train(IEnumerable<ITrainingCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        BeginTraining(callbacks, cancellation);
        while (TrainStep())
        {
        }

        return FinishTraining();
    }

    /// <summary>
    /// Starts a stepwise <see cref="Train"/>: opens the metrics files (cut back to the checkpoint when resumed) and starts
    /// the learner with the run's callbacks. A population drives its members through <see cref="BeginTraining"/>,
    /// <see cref="TrainStep"/> and <see cref="FinishTraining"/>, which together do exactly what <see cref="Train"/> does.
    /// </summary>
    /// <param name="callbacks">Extra callbacks, run after the metrics files and before the checkpoint.</param>
    /// <param name="cancellation">Stops training after the current update; the run still saves, evaluates and summarises.</param>
    /// <exception cref="InvalidOperationException">The run was already started.</exception>
    public void BeginTraining(IEnumerable<ITrainingCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        if (_training is not null || _result is not null || _failed)
        {
            throw new InvalidOperationException("This run was already started; a TrainingRun trains once.");
        }

        var setup = Setup;
        string outDir = setup.OutputDirectory;
        Directory.CreateDirectory(outDir);
        var learner = Agent.Learner;
        if (Resumed)
        {
            MetricsFileCallback.TrimToUpdate(outDir, learner.Progress.Updates);
        }

        var metrics = new MetricsFileCallback(outDir, append: Resumed);
        var state = new TrainingState(metrics, new CancellationCallback(cancellation), new ExplosionWatch());
        var all = new List<ITrainingCallback>();
        if (setup.Target is double target)
        {
            all.Add(TargetStop?.Invoke(target) ?? new StopOnReward(target));
        }

        all.Add(metrics);
        all.Add(state.Explosion);
        all.AddRange(callbacks ?? []);
        all.Add(new PeriodicCheckpoint(Agent, outDir, _checkpointInterval));
        all.Add(state.Cancel);
        try
        {
            learner.BeginLearning(setup.TotalSteps, [.. all]);
        }
        catch
        {
            metrics.Dispose();
            throw;
        }

        _training = state;
    }

    /// <summary>
    /// Ends a run started with <see cref="BeginTraining"/>: unless it diverged, saves the final checkpoint and the
    /// learning curve, evaluates, and writes <c>summary.json</c>. Returns how the run ended (the same result on a second call).
    /// </summary>
    /// <exception cref="InvalidOperationException"><see cref="BeginTraining"/> was not called.</exception>
    public RunResult FinishTraining()
    {
        if (_result is not null)
        {
            return _result;
        }

        if (_failed)
        {
            throw new InvalidOperationException("This run failed during TrainStep (see the exception it threw); there is nothing to finish.");
        }

        var state = _training ?? throw new InvalidOperationException("Call BeginTraining before FinishTraining.");
        var setup = Setup;
        string outDir = setup.OutputDirectory;
        var learner = Agent.Learner;
        var explosion = state.Explosion;
        try
        {
            learner.EndLearning();
        }
        finally
        {
            state.Metrics.Dispose();
        }

        _training = null;
        if (state.Diverged is { } ex)
        {
            string error = $"{ex.Message} {CheckpointNote(outDir)}";
            RunSummary.Write(outDir, RunStatus.Diverged, setup, learner.Progress, null, error, explosion.Warning);
            return _result = new RunResult(RunStatus.Diverged, learner.Progress, null, outDir, error) { Warning = explosion.Warning };
        }

        var progress = learner.Progress;
        Checkpoint.Save(Agent, outDir);
        AtomicFiles.WriteText(Path.Combine(outDir, "curve.svg"), SvgCurveWriter.Write(learner.Collector.Episodes.History,
            new SvgCurveOptions { Title = $"{setup.Algorithm.DisplayName} on {setup.EnvId}, seed {setup.Seed}" }));

        EvaluationResult? evaluation = null;
        if (setup.EvalEpisodes > 0)
        {
            evaluation = Evaluator.Evaluate(Agent, new EvaluationOptions
            {
                Episodes = setup.EvalEpisodes,
                Deterministic = true,
                Seed = setup.Seed + EvaluationSeedOffset,
                SuccessThreshold = setup.Target,
            });
        }

        var status = state.Cancel.Stopped ? RunStatus.Interrupted : progress.SolvedAtEnvSteps is not null ? RunStatus.Solved : RunStatus.BudgetExhausted;
        RunSummary.Write(outDir, status, setup, progress, evaluation, null, explosion.Warning);
        return _result = new RunResult(status, progress, evaluation, outDir, null) { Warning = explosion.Warning };
    }

    /// <summary>Stops the agent's update threads and releases the run directory's lock; a run started and not finished is left as its last checkpoint saved it.</summary>
    public void Dispose()
    {
        if (_training is { } state)
        {
            // started but not finished (a population member whose neighbour failed): close the files, keep the last checkpoint
            _training = null;
            try
            {
                Agent.Learner.EndLearning();
            }
            finally
            {
                state.Metrics.Dispose();
            }
        }

        Agent.Learner.Device?.Dispose();
        Agent.Learner.Device = null;
        Agent.Dispose();
        _lock.Dispose();
    }

    /// <summary>What a diverged run leaves to resume from: the checkpoint in the folder, if one loads, else nothing.</summary>
    private static string CheckpointNote(string outDir)
    {
        try
        {
            var (config, _) = Checkpoint.Read(outDir);
            return $"The checkpoint in {outDir}, saved at update {config.Progress.Updates} before the divergence, is intact; --resume continues from it.";
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or ArgumentException)
        {
            return "No checkpoint was written before it, so there is nothing to resume.";
        }
    }
}
