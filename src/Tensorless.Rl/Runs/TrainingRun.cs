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
public sealed class TrainingRun : IDisposable
{
    /// <summary>Checkpoint interval when the request names none.</summary>
    public static readonly TimeSpan DefaultCheckpointInterval = TimeSpan.FromSeconds(30);

    /// <summary>Offset of the evaluation seed from the training seed, so evaluation episodes start where training never did.</summary>
    public const ulong EvaluationSeedOffset = 1_000_003;

    private readonly TimeSpan _checkpointInterval;

    private TrainingRun(RunSetup setup, IOnPolicyAlgorithm agent, bool resumed, TimeSpan checkpointInterval)
    {
        Setup = setup;
        Agent = agent;
        Resumed = resumed;
        _checkpointInterval = checkpointInterval;
    }

    /// <summary>The resolved algorithm, env, options, budget, target and directory.</summary>
    public RunSetup Setup { get; }

    /// <summary>The agent being trained.</summary>
    public IOnPolicyAlgorithm Agent { get; }

    /// <summary>Whether the run continues a saved one.</summary>
    public bool Resumed { get; }

    /// <summary>
    /// Resolves <paramref name="request"/> and builds the agent, or, with <see cref="RunRequest.ResumeDirectory"/>, loads
    /// the saved run to continue it exactly. Nothing is trained or written yet.
    /// </summary>
    /// <param name="request">What to run.</param>
    /// <returns>The prepared run; dispose it to stop its threads.</returns>
    /// <exception cref="ArgumentException">An option, preset, algorithm, env id or override is invalid; the message names it.</exception>
    /// <exception cref="InvalidDataException">The run to resume is missing, corrupt or inconsistent.</exception>
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
            var setup = RunSetup.Resolve(request);
            return new TrainingRun(setup, setup.CreateAgent(), resumed: false, interval);
        }

        if (request.Overrides.Count > 0 || request.Preset is not null || request.Algorithm is not null || request.EnvId is not null || request.Seed is not null || request.Threads is not null)
        {
            throw new ArgumentException("--resume continues a saved run with its own algorithm, env, seed, thread count and options; drop --algo, --env, --preset, --seed, --threads and --set.");
        }

        if (request.TotalSteps is long steps && steps < 1)
        {
            throw new ArgumentException($"--total-steps must be positive, got {steps}.");
        }

        if (request.EvalEpisodes < 0)
        {
            throw new ArgumentException($"--eval-episodes must be 0 or more, got {request.EvalEpisodes}.");
        }

        var agent = Checkpoint.Resume(resumeDir);
        var spec = Gym.Spec(agent.EnvId);
        double? target = request.NoTarget ? null : request.Target ?? spec.RewardThreshold;
        var resumed = new RunSetup(
            AlgorithmRegistry.Get(agent.Algorithm),
            agent.EnvId,
            null,
            agent.Options,
            request.TotalSteps ?? RunSetup.DefaultTotalSteps,
            target,
            request.EvalEpisodes,
            request.OutputDirectory ?? resumeDir);
        return new TrainingRun(resumed, agent, resumed: true, interval);
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
    /// <see cref="RunStatus.Diverged"/>: its summary is written and its last periodic checkpoint stays intact.
    /// </summary>
    /// <param name="callbacks">Extra callbacks, run after the metrics files and before the checkpoint.</param>
    /// <param name="cancellation">Stops training after the current update; the run still saves, evaluates and summarises.</param>
    /// <returns>How the run ended.</returns>
    public RunResult Train(IEnumerable<ITrainingCallback>? callbacks = null, CancellationToken cancellation = default)
    {
        var setup = Setup;
        string outDir = setup.OutputDirectory;
        Directory.CreateDirectory(outDir);
        var learner = Agent.Learner;
        using var metrics = new MetricsFileCallback(outDir, append: Resumed);
        var cancel = new CancellationCallback(cancellation);
        var all = new List<ITrainingCallback>();
        if (setup.Target is double target)
        {
            all.Add(new StopOnReward(target));
        }

        all.Add(metrics);
        all.AddRange(callbacks ?? []);
        all.Add(new PeriodicCheckpoint(Agent, outDir, _checkpointInterval));
        all.Add(cancel);

        TrainingProgress progress;
        try
        {
            progress = Agent.Learn(setup.TotalSteps, [.. all]);
        }
        catch (TrainingDivergedException ex)
        {
            RunSummary.Write(outDir, RunStatus.Diverged, setup, learner.Progress, null, ex.Message);
            return new RunResult(RunStatus.Diverged, learner.Progress, null, outDir, ex.Message);
        }

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

        var status = cancel.Stopped ? RunStatus.Interrupted : progress.SolvedAtEnvSteps is not null ? RunStatus.Solved : RunStatus.BudgetExhausted;
        RunSummary.Write(outDir, status, setup, progress, evaluation);
        return new RunResult(status, progress, evaluation, outDir, null);
    }

    /// <summary>Stops the agent's update threads.</summary>
    public void Dispose() => Agent.Dispose();

    /// <summary>Turns a cancellation token into a stop after the current update.</summary>
    private sealed class CancellationCallback(CancellationToken token) : ITrainingCallback
    {
        public bool Stopped { get; private set; }

        public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
        {
            Stopped |= token.IsCancellationRequested;
            return !Stopped;
        }
    }
}
