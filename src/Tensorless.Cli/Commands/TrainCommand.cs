using System.CommandLine;
using System.Globalization;
using Tensorless.Cli.Training;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Populations;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Commands;

/// <summary>
/// <c>tensorless train</c>: trains an agent and writes a run directory (summary, metrics, checkpoint, learning curve).
/// With no arguments it trains PPO on CartPole-v1 until the last 100 episodes average 475 or 500k steps pass.
/// </summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var algo = new Option<string?>("--algo") { Description = $"Algorithm: {string.Join(", ", AlgorithmRegistry.Names)} (default: the preset's, else {AlgorithmRegistry.Default.Name})." };
        var env = new Option<string?>("--env") { Description = "Env id, e.g. CartPole-v1 (default: the preset's, else CartPole-v1). See 'tensorless env list'." };
        var preset = new Option<string?>("--preset") { Description = $"Named settings: {string.Join(", ", Presets.Names)}." };
        var seed = new Option<ulong?>("--seed") { Description = "Seed of weights, env resets and sampling (default 1).", CustomParser = CliParsers.Seed };
        var totalSteps = new Option<long?>("--total-steps") { Description = "Env-step budget, summed over envs (default: the preset's, else 500000)." };
        var target = new Option<string?>("--target") { Description = "Stop once the last 100 training episodes average this return; 'none' trains the whole budget (default: the env's reward threshold)." };
        var evalEpisodes = new Option<int>("--eval-episodes") { Description = "Episodes of the final deterministic evaluation; 0 skips it.", DefaultValueFactory = _ => 100, CustomParser = CliParsers.Count };
        var set = new Option<string[]>("--set") { Description = "Override an option: key=value, e.g. --set learning_rate=3e-4 --set policy.hidden_sizes=[128,128]. Repeatable.", AllowMultipleArgumentsPerToken = false };
        var output = new Option<string?>("--out") { Description = "Run directory (default runs/<algo>-<env>-seed<seed>)." };
        var resume = new Option<string?>("--resume") { Description = "Continue the run saved in this directory, to the budget it was started with (bit-exact with an uninterrupted run)." };
        var extend = new Option<bool>("--extend") { Description = "With --resume: train to a new --total-steps; the linear schedules are re-anchored to it, so the result matches no single straight run." };
        var checkpointEvery = new Option<double?>("--checkpoint-every") { Description = "Seconds of wall time between periodic checkpoints (default 30); one is always saved at the end." };
        var threads = new Option<int?>("--threads") { Description = "Threads that share each gradient computation (default 2, or 1 on a one-core machine); a seed gives the same result for a given thread count." };
        var deterministic = new Option<bool>("--deterministic") { Description = "Same as --set deterministic=true, for algorithms that have the option (a3c: workers in a fixed order, so a seed repeats exactly); rejected for the others, whose runs always repeat." };
        var distributed = new Option<bool>("--distributed") { Description = "Data-parallel over MPI: run under 'mpirun -np R'; each rank collects its own envs (seed stream per rank), gradients are averaged every step, rank 0 writes the run directory. --total-steps is shared out over the ranks." };
        var seeds = new Option<string?>("--seeds") { Description = "Train a population: one agent per seed (numbers and ranges, e.g. 1-64 or 1,3,7) in lockstep in one process, each bit-identical to its solo one-thread run; --threads is how many agents train side by side. Writes population.json and a run directory per seed (DIR/seed<k>)." };
        var device = new Option<string?>("--device") { Description = "Where PPO and A2C run their rollouts, gradients and optimizer steps: cpu (default), ilgpu-cpu (ILGPU's CPU accelerator: a slow correctness check), cuda or opencl; with --seeds, the members' rollouts and (PPO or A2C members alike in their shared options) updates run there batched. A run resumes on any device." };
        var plain = new Option<bool>("--plain") { Description = "Print a progress line every 2 s instead of a live bar." };
        var command = new Command("train", "Train an actor-critic agent and write summary.json, metrics.csv/.jsonl, model.safetensors, config.json and curve.svg.")
        {
            algo, env, preset, seed, totalSteps, target, evalEpisodes, set, output, resume, extend, checkpointEvery, threads, deterministic, distributed, seeds, device, plain,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            string? targetText = parse.GetValue(target);
            bool noTarget = string.Equals(targetText, "none", StringComparison.OrdinalIgnoreCase);
            double? targetValue = null;
            if (targetText is not null && !noTarget)
            {
                targetValue = double.TryParse(targetText, NumberStyles.Float, CultureInfo.InvariantCulture, out double t)
                    ? t
                    : throw new ArgumentException($"--target takes a number or 'none', got '{targetText}'.");
            }

            TimeSpan? interval = null;
            if (parse.GetValue(checkpointEvery) is double seconds)
            {
                interval = double.IsFinite(seconds) && seconds > 0 && seconds <= TimeSpan.MaxValue.TotalSeconds / 2
                    ? TimeSpan.FromSeconds(seconds)
                    : throw new ArgumentException($"--checkpoint-every takes a positive number of seconds, got {seconds.ToString(CultureInfo.InvariantCulture)}.");
            }

            var request = new RunRequest
            {
                Algorithm = parse.GetValue(algo),
                EnvId = parse.GetValue(env),
                Preset = parse.GetValue(preset),
                Seed = parse.GetValue(seed),
                TotalSteps = parse.GetValue(totalSteps),
                Target = targetValue,
                NoTarget = noTarget,
                EvalEpisodes = parse.GetValue(evalEpisodes),
                Overrides = parse.GetValue(deterministic) ? [.. parse.GetValue(set) ?? [], DeterministicOverride(parse.GetValue(algo), parse.GetValue(preset), parse.GetValue(resume))] : parse.GetValue(set) ?? [],
                OutputDirectory = RunDirectory.Check(parse.GetValue(output), "--out"),
                ResumeDirectory = parse.GetValue(resume),
                Extend = parse.GetValue(extend),
                CheckpointInterval = interval,
                Threads = parse.GetValue(threads),
                Device = DeviceName(parse.GetValue(device)),
            };
            if (request.Device is not null && parse.GetValue(distributed))
            {
                throw new ArgumentException("--device moves one process's work to an accelerator; --distributed trains on the CPU.");
            }

            bool isPopulation = request.ResumeDirectory is string resumeDir && PopulationRun.IsPopulation(resumeDir);
            if (parse.GetValue(seeds) is string seedsText)
            {
                if (parse.GetValue(distributed) || request.ResumeDirectory is not null)
                {
                    throw new ArgumentException("--seeds starts a new population in one process; it does not combine with --distributed or --resume.");
                }

                return PopulationJob.Run(request, seedsText, parse.GetValue(plain), stdout, stderr);
            }

            if (isPopulation)
            {
                if (parse.GetValue(distributed) || request.Algorithm is not null || request.EnvId is not null || request.Preset is not null || request.Seed is not null
                    || request.TotalSteps is not null || request.Target is not null || request.NoTarget || request.Overrides.Count > 0 || request.OutputDirectory is not null
                    || request.Extend || request.CheckpointInterval is not null)
                {
                    throw new ArgumentException($"--resume {request.ResumeDirectory} continues a population with its members' own settings; only --threads, --device (and --plain) may be given.");
                }

                return PopulationJob.Resume(request.ResumeDirectory!, request.Threads, request.Device, parse.GetValue(plain), stdout);
            }

            return parse.GetValue(distributed)
                ? DistributedTrainJob.Run(request, parse.GetValue(plain), stdout, stderr)
                : TrainJob.Run(request, parse.GetValue(plain), stdout, stderr);
        });
        return command;
    }

    /// <summary>
    /// The device <c>--device</c> names, null for the CPU; a GPU device registers the optional Tensorless.Gpu backend
    /// first, so a CPU run never loads ILGPU.
    /// </summary>
    private static string? DeviceName(string? name)
    {
        if (name is null || string.Equals(name, GradientDevices.Cpu, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        RegisterGpuDevices();
        return name;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void RegisterGpuDevices() => Tensorless.Gpu.GpuGradientDevices.Register();

    /// <summary>
    /// The override <c>--deterministic</c> stands for, after checking that the run's algorithm (named, the preset's, or
    /// the default) has a <c>Deterministic</c> option; any algorithm that declares one gets the flag.
    /// </summary>
    private static string DeterministicOverride(string? algo, string? preset, string? resume)
    {
        if (resume is not null)
        {
            throw new ArgumentException("--deterministic cannot change a resumed run; it continues with its saved options.");
        }

        var entry = algo is not null ? AlgorithmRegistry.Get(algo) : preset is not null ? AlgorithmRegistry.Get(Presets.Get(preset).Algorithm) : AlgorithmRegistry.Default;
        if (!OptionOverrides.Keys(entry.OptionsType).Contains("deterministic"))
        {
            throw new ArgumentException($"--deterministic: {entry.DisplayName} has no Deterministic option; its runs already repeat exactly for a given seed and thread count.");
        }

        return "deterministic=true";
    }
}
