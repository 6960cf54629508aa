using System.Globalization;
using Tensorless.Envs;
using Tensorless.Rl;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Training;

/// <summary>Runs <c>tensorless train</c>: build (or resume) the agent, train with progress and metrics, save, evaluate, summarise.</summary>
internal static class TrainJob
{
    /// <summary>How often a checkpoint is written during training.</summary>
    private static readonly TimeSpan CheckpointInterval = TimeSpan.FromSeconds(30);

    public static int Run(TrainRequest request, TextWriter stdout, TextWriter stderr)
    {
        var (agent, setup, resumed) = Build(request);
        using var owned = agent;
        var learner = agent.Learner;
        string outDir = setup.OutputDirectory;
        Directory.CreateDirectory(outDir);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Training {setup.AlgorithmName.ToUpperInvariant()} on {setup.EnvId} ({setup.NumEnvs} envs, seed {setup.Seed}, {setup.Threads} thread{(setup.Threads == 1 ? "" : "s")}{(setup.Preset is null ? "" : $", preset {setup.Preset}")}) " +
            $"for up to {setup.TotalSteps:N0} steps{(setup.Target is double t ? $", stopping at mean return {t} over 100 episodes" : "")}{(resumed ? $", resumed at {learner.Progress.EnvSteps:N0} steps" : "")}."));
        stdout.WriteLine($"Run directory: {Path.GetFullPath(outDir)}");

        using var metrics = new MetricsFileCallback(outDir, append: resumed);
        using var stop = new StopSignal();
        var callbacks = new List<ITrainingCallback>
        {
            metrics,
            new ConsoleProgress(stdout, live: !request.Plain && ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected, setup.Target),
            new PeriodicCheckpoint(agent, outDir, CheckpointInterval),
            stop,
        };
        if (setup.Target is double target)
        {
            callbacks.Insert(0, new StopOnReward(target));
        }

        TrainingProgress progress;
        try
        {
            progress = agent.Learn(setup.TotalSteps, [.. callbacks]);
        }
        catch (TrainingDivergedException ex)
        {
            stderr.WriteLine(CliErrors.Describe(ex));
            RunSummary.Write(outDir, "diverged", setup.AlgorithmName, setup.EnvId, setup.Preset, setup.Seed, setup.NumEnvs, setup.Threads, learner.Progress, setup.Target, null, ex.Message);
            return 3;
        }

        Checkpoint.Save(agent, outDir);
        File.WriteAllText(Path.Combine(outDir, "curve.svg"), SvgCurveWriter.Write(learner.Collector.Episodes.History,
            new SvgCurveOptions { Title = $"{setup.AlgorithmName.ToUpperInvariant()} on {setup.EnvId}, seed {setup.Seed}" }));

        EvaluationResult? evaluation = null;
        if (setup.EvalEpisodes > 0)
        {
            evaluation = Evaluator.Evaluate(agent, new EvaluationOptions
            {
                Episodes = setup.EvalEpisodes,
                Deterministic = true,
                Seed = setup.Seed + 1_000_003, // episodes the training envs never started from
                SuccessThreshold = setup.Target,
            });
        }

        string status = stop.Requested ? "interrupted" : progress.SolvedAtEnvSteps is not null ? "solved" : "budget_exhausted";
        RunSummary.Write(outDir, status, setup.AlgorithmName, setup.EnvId, setup.Preset, setup.Seed, setup.NumEnvs, setup.Threads, progress, setup.Target, evaluation);
        PrintResult(stdout, setup, progress, evaluation, outDir);
        return 0;
    }

    private static (IOnPolicyAlgorithm Agent, TrainSetup Setup, bool Resumed) Build(TrainRequest request)
    {
        if (request.ResumeDirectory is string resumeDir)
        {
            if (request.Overrides.Count > 0 || request.Preset is not null || request.Algorithm is not null || request.EnvId is not null || request.Seed is not null || request.Threads is not null)
            {
                throw new ArgumentException("--resume continues a saved run with its own algorithm, env, seed, thread count and options; drop --algo, --env, --preset, --seed, --threads and --set.");
            }

            var resumed = Checkpoint.Resume(resumeDir);
            string envId = resumed.Learner.Env.Id;
            var spec = Gym.Spec(envId);
            double? target = request.NoTarget ? null : request.Target ?? spec.RewardThreshold;
            var setup = new TrainSetup(
                resumed.Algorithm == "ppo" ? TrainingAlgorithm.Ppo : TrainingAlgorithm.A2c,
                envId,
                null,
                (resumed as Ppo)?.Options,
                (resumed as A2c)?.Options,
                request.TotalSteps ?? TrainSetup.DefaultTotalSteps,
                target,
                request.EvalEpisodes,
                request.OutputDirectory ?? resumeDir);
            return (resumed, setup, true);
        }

        var fresh = TrainSetup.Resolve(request);
        var env = Gym.MakeVector(fresh.EnvId, fresh.NumEnvs, fresh.Seed);
        IOnPolicyAlgorithm agent = fresh.Ppo is not null ? new Ppo(env, fresh.Ppo) : new A2c(env, fresh.A2c!);
        return (agent, fresh, false);
    }

    private static void PrintResult(TextWriter stdout, TrainSetup setup, TrainingProgress p, EvaluationResult? eval, string outDir)
    {
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine();
        stdout.WriteLine(p.SolvedAtEnvSteps is long solvedAt
            ? string.Create(c, $"Solved: the last 100 training episodes averaged {p.MeanReturn:F1} after {solvedAt:N0} env steps ({p.SolvedAtSeconds:F2} s).")
            : string.Create(c, $"Stopped after {p.EnvSteps:N0} env steps; the last 100 training episodes averaged {p.MeanReturn:F1}."));
        stdout.WriteLine(string.Create(c,
            $"Time: {p.WallSeconds:F2} s wall ({p.RolloutSeconds:F2} s rollouts, {p.UpdateSeconds:F2} s updates), {p.Updates} updates, {(p.WallSeconds > 0 ? p.EnvSteps / p.WallSeconds : 0):N0} env steps/s."));
        if (eval is not null)
        {
            string success = eval.SuccessRate is double rate ? string.Create(c, $", {rate:P0} reached {eval.SuccessThreshold}") : "";
            stdout.WriteLine(string.Create(c,
                $"Evaluation ({eval.Episodes} deterministic episodes): mean {eval.MeanReturn:F1} +/- {eval.StdReturn:F1}, min {eval.MinReturn:F1}, max {eval.MaxReturn:F1}{success}."));
        }

        stdout.WriteLine($"Wrote {Path.Combine(outDir, "summary.json")}, metrics.csv, metrics.jsonl, model.safetensors, config.json, curve.svg.");
    }
}
