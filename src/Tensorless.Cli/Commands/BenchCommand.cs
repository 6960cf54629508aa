using System.CommandLine;
using System.Globalization;
using Tensorless.Cli.Bench;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Runs;

namespace Tensorless.Cli.Commands;

/// <summary><c>tensorless bench solve</c> (time to solve over seeds), <c>bench micro</c> (quick throughput figures) and <c>bench population</c> (many agents at once).</summary>
internal static class BenchCommand
{
    public static Command Create()
    {
        var bench = new Command("bench", "Measure: time to solve over several seeds, or quick throughput figures.");
        bench.Add(CreateSolve());
        bench.Add(CreateMicro());
        bench.Add(CreatePopulation());
        bench.Add(CreateDevice());
        return bench;
    }

    private static Command CreateSolve()
    {
        var preset = new Option<string>("--preset")
        {
            Description = "Preset to train (default: the default algorithm's preset for the default env, as 'tensorless train' runs).",
            DefaultValueFactory = _ => AlgorithmRegistry.Default.DefaultPresets[RunSetup.DefaultEnvId],
        };
        var seeds = new Option<string>("--seeds") { Description = "Comma-separated seeds.", DefaultValueFactory = _ => "1,2,3,4,5" };
        var threads = new Option<int?>("--threads") { Description = "Threads of the gradient computation (default 2, or 1 on a one-core machine)." };
        var totalSteps = new Option<long?>("--total-steps") { Description = "Step budget per seed, also the horizon of annealed schedules (default: the preset's budget, at least 500000 as 'tensorless train')." };
        var json = new Option<string?>("--json") { Description = "Also write the results to this JSON file." };
        var solve = new Command("solve", "Train each seed until the last 100 episodes reach the target and 100 deterministic evaluation episodes pass; report wall times.")
        {
            preset, seeds, threads, totalSteps, json,
        };
        solve.SetAction(parse =>
        {
            var list = parse.GetValue(seeds)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => ulong.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out ulong v) ? v : throw new ArgumentException($"--seeds takes whole numbers separated by commas, got '{s}'."))
                .ToArray();
            if (list.Length == 0)
            {
                throw new ArgumentException("--seeds needs at least one seed.");
            }

            int t = parse.GetValue(threads) ?? RunSetup.DefaultThreads;
            string name = parse.GetValue(preset)!;
            long budget = parse.GetValue(totalSteps) ?? Math.Max(Presets.Get(name).TotalSteps, RunSetup.DefaultTotalSteps);
            return SolveHarness.Execute(name, list, t, budget, parse.GetValue(json), parse.InvocationConfiguration.Output);
        });
        return solve;
    }

    private static Command CreatePopulation()
    {
        var preset = new Option<string>("--preset") { Description = "Preset every agent trains (default purejaxrl-cartpole, PureJaxRL's CartPole PPO).", DefaultValueFactory = _ => "purejaxrl-cartpole" };
        var sizes = new Option<string>("--sizes") { Description = "Population sizes K to measure, comma-separated (default 1,8,64).", DefaultValueFactory = _ => "1,8,64" };
        var threads = new Option<int?>("--threads") { Description = "Threads that train agents side by side (default 2, or 1 on a one-core machine)." };
        var totalSteps = new Option<long?>("--total-steps") { Description = "Env steps per agent (default: the preset's budget)." };
        var json = new Option<string?>("--json") { Description = "Also write the table to this JSON file." };
        var population = new Command("population", "Train populations of K agents for the whole budget and report wall time, env steps/s, solved fraction, GFLOP/s and bytes allocated per update.")
        {
            preset, sizes, threads, totalSteps, json,
        };
        population.SetAction(parse =>
        {
            var list = parse.GetValue(sizes)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v is >= 1 and <= Rl.Populations.PopulationRequest.MaxMembers
                    ? v
                    : throw new ArgumentException($"--sizes takes population sizes from 1 to {Rl.Populations.PopulationRequest.MaxMembers:N0} separated by commas, got '{s}'."))
                .ToArray();
            if (list.Length == 0)
            {
                throw new ArgumentException("--sizes needs at least one population size.");
            }

            int t = parse.GetValue(threads) ?? RunSetup.DefaultThreads;
            if (t < 1)
            {
                throw new ArgumentException($"--threads must be at least 1, got {t}.");
            }

            return PopulationBench.Execute(parse.GetValue(preset)!, list, t, parse.GetValue(totalSteps), parse.GetValue(json), parse.InvocationConfiguration.Output);
        });
        return population;
    }

    // --devices: names DeviceKinds knows, each once
    private static IReadOnlyList<Tensorless.Gpu.DeviceKind> DeviceList(string text)
    {
        var kinds = new List<Tensorless.Gpu.DeviceKind>();
        foreach (string name in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            Tensorless.Gpu.DeviceKind kind;
            try
            {
                kind = Tensorless.Gpu.DeviceKinds.Parse(name);
            }
            catch (ArgumentException e)
            {
                throw new ArgumentException($"--devices: {e.Message}", e);
            }

            if (!kinds.Contains(kind))
            {
                kinds.Add(kind);
            }
        }

        return kinds.Count > 0 ? kinds : throw new ArgumentException("--devices needs at least one device name (cpu, ilgpu-cpu, cuda, opencl).");
    }

    private static Command CreateDevice()
    {
        var rows = new Option<string>("--rows") { Description = "Batch rows to measure, comma-separated (default 128,2048).", DefaultValueFactory = _ => "128,2048" };
        var repeats = new Option<int>("--repeats") { Description = "Timed calls per figure; the best is reported (default 5).", DefaultValueFactory = _ => 5 };
        var agents = new Option<string?>("--agents") { Description = "Also time a population's forward GEMM and training tick: agent counts, comma-separated (e.g. 64,256,2048), each agent a 128 x 64 x 64 product and a PPO learner with 4 CartPole envs (its rollout and one update)." };
        var devices = new Option<string?>("--devices") { Description = "Devices to measure, comma-separated (cpu, ilgpu-cpu, cuda, opencl); default every available one." };
        var steps = new Option<int>("--steps") { Description = "Time steps of the GAE and rollout figures (default 128).", DefaultValueFactory = _ => 128 };
        var device = new Command("device", "The CPU kernels against every available ILGPU accelerator: forward GEMM, one PPO update (gradient, clipping and Adam on the device), GAE, a whole rollout (policy, envs and GAE on the device), and with --agents a population's batched GEMM and its batched rollouts and updates.") { rows, repeats, agents, steps, devices };
        device.SetAction(parse =>
        {
            var list = Sizes(parse.GetValue(rows)!, "--rows", 8, 1 << 20);
            var agentCounts = parse.GetValue(agents) is { } a ? Sizes(a, "--agents", 1, 1 << 16) : [];
            int r = parse.GetValue(repeats);
            int t = parse.GetValue(steps);
            if (list.Length == 0 || r < 1)
            {
                throw new ArgumentException("--rows needs at least one size and --repeats at least 1.");
            }

            if (t is < 1 or > 4096)
            {
                throw new ArgumentException($"--steps takes 1 to 4096 time steps, got {t}.");
            }

            var only = parse.GetValue(devices) is { } d ? DeviceList(d) : null;
            return DeviceBench.Execute(list, agentCounts, r, t, only, parse.InvocationConfiguration.Output);
        });
        return device;
    }

    private static int[] Sizes(string text, string option, int min, int max) =>
        [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
                ? v
                : throw new ArgumentException($"{option} takes sizes from {min} to {max:N0} separated by commas, got '{s}'."))];

    private static Command CreateMicro()
    {
        var json = new Option<string?>("--json") { Description = "Also write the figures to this JSON file." };
        var micro = new Command("micro", "Quick throughput figures (PPO update, policy forward, rollout, GAE, CartPole, GEMM) in well under a minute.") { json };
        micro.SetAction(parse => MicroBenchmarks.Execute(parse.GetValue(json), parse.InvocationConfiguration.Output));
        return micro;
    }
}
