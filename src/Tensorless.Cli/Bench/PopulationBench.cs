using System.Globalization;
using System.Text.Json;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Populations;
using Tensorless.Rl.Runs;

namespace Tensorless.Cli.Bench;

/// <summary>
/// <c>tensorless bench population</c> (issue 10): trains populations of K agents of one preset for the whole budget
/// (no early stop, no evaluation, no periodic checkpoints), one K after another, and prints K, wall seconds, env steps/s
/// in all and per agent, throughput against K = 1, the fraction of agents whose last 100 training episodes reach the
/// target, the model's GEMM GFLOP/s against the machine's estimated double-precision peak, and bytes allocated per update.
/// </summary>
internal static class PopulationBench
{
    /// <summary>One population's figures.</summary>
    internal sealed record Row(int K, int Threads, double WallSeconds, long EnvSteps, double Solved, double Gflops, double BytesPerUpdate);

    public static int Execute(string preset, IReadOnlyList<int> sizes, int threads, long? totalSteps, string? jsonPath, TextWriter stdout)
    {
        var c = CultureInfo.InvariantCulture;
        var probe = RunSetup.Resolve(new RunRequest { Preset = preset, TotalSteps = totalSteps, Threads = 1, OutputDirectory = "-" });
        double flopsPerStep = FlopsPerEnvStep(probe);
        double peak = PeakGflops(threads);
        stdout.WriteLine(string.Create(c,
            $"bench population: {preset} ({probe.Algorithm.DisplayName} on {probe.EnvId}, {probe.NumEnvs} envs each), {probe.TotalSteps:N0} env steps per agent, {threads} thread{(threads == 1 ? "" : "s")}; " +
            $"{flopsPerStep / 1e3:F1} kFLOP of GEMM per env step; estimated peak {peak:F0} GFLOP/s ({threads} x 32 DP FLOP/cycle at {CpuMhz():F0} MHz)."));
        stdout.WriteLine("      K  threads    wall s    env steps/s  per agent/s  vs K=1   solved   GFLOP/s  % peak  bytes/update");
        var rows = new List<Row>();
        foreach (int k in sizes)
        {
            var row = Measure(preset, k, threads, probe, flopsPerStep);
            rows.Add(row);
            double rate = row.EnvSteps / row.WallSeconds;
            double baseline = rows[0].K == 1 ? rows[0].EnvSteps / rows[0].WallSeconds : double.NaN;
            stdout.WriteLine(string.Create(c,
                $"  {k,5}  {threads,7}  {row.WallSeconds,8:F2}  {rate,13:N0}  {rate / k,11:N0}  {rate / baseline,5:F2}x  {row.Solved,6:P0}  {row.Gflops,8:F1}  {row.Gflops / peak,6:P0}  {row.BytesPerUpdate,12:N0}"));
        }

        if (jsonPath is not null)
        {
            WriteJson(jsonPath, preset, probe, threads, peak, rows);
        }

        return 0;
    }

    private static Row Measure(string preset, int k, int threads, RunSetup probe, double flopsPerStep)
    {
        string directory = Path.Combine(Path.GetTempPath(), $"tensorless-bench-population-{Environment.ProcessId}-{k}");
        try
        {
            var template = new RunRequest
            {
                Preset = preset,
                TotalSteps = probe.TotalSteps,
                NoTarget = true,
                EvalEpisodes = 0,
                CheckpointInterval = TimeSpan.FromDays(1),
            };
            var request = PopulationRequest.ForSeeds(template, [.. Enumerable.Range(1, k).Select(s => (ulong)s)], directory, threads);
            using var population = PopulationRun.Prepare(request);
            long ticks = 0;
            long allocatedAtTick2 = 0, ticksAfter2 = 0, lastAllocated = 0;
            var result = population.Train(status =>
            {
                // allocation per steady-state update: from the end of the second tick (JIT and first-use buffers done) to the
                // last tick at which every member still trains
                ticks++;
                if (ticks == 2)
                {
                    allocatedAtTick2 = GC.GetTotalAllocatedBytes(precise: true);
                }
                else if (ticks > 2 && status.Training == status.Members)
                {
                    ticksAfter2 = ticks - 2;
                    lastAllocated = GC.GetTotalAllocatedBytes(precise: true);
                }
            });
            double bytesPerUpdate = ticksAfter2 > 0 ? (double)(lastAllocated - allocatedAtTick2) / (ticksAfter2 * k) : double.NaN;
            double solved = result.Members.Count(m => m.TrainMeanReturn >= probe.Target) / (double)k;
            double gflops = result.StepsThisProcess * flopsPerStep / result.WallSeconds / 1e9;
            return new Row(k, threads, result.WallSeconds, result.StepsThisProcess, solved, gflops, bytesPerUpdate);
        }
        finally
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>
    /// GEMM FLOP per env step: one actor and critic forward in the rollout, and forward plus backward (about three
    /// forwards) per epoch in the update; element-wise work, envs and GAE are not counted.
    /// </summary>
    private static double FlopsPerEnvStep(RunSetup setup)
    {
        var env = Gym.MakeVector(setup.EnvId, 1, 0);
        int inputs = env.ObservationSize;
        int heads = env.SingleActionSpace is Discrete d ? d.N : env.ActionSize;
        var policy = setup.Options.OnPolicy.Policy;
        double forward = 2.0 * (Chain(inputs, policy.EffectiveActorHiddenSizes, heads) + Chain(inputs, policy.EffectiveCriticHiddenSizes, 1));
        int epochs = setup.Options is PpoOptions ppo ? ppo.NumEpochs : 1;
        return forward * (1 + (3 * epochs));
    }

    private static double Chain(int inputs, IReadOnlyList<int> hidden, int outputs)
    {
        double macs = 0;
        int previous = inputs;
        foreach (int h in hidden)
        {
            macs += (double)previous * h;
            previous = h;
        }

        return macs + ((double)previous * outputs);
    }

    /// <summary>32 double FLOP per cycle per core (two 512-bit FMA pipes) at the clock /proc/cpuinfo reports.</summary>
    private static double PeakGflops(int threads) => Math.Min(threads, Environment.ProcessorCount) * 32 * CpuMhz() / 1e3;

    private static double CpuMhz()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("cpu MHz", StringComparison.Ordinal));
            return line is not null && double.TryParse(line[(line.IndexOf(':') + 1)..].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double mhz) ? mhz : double.NaN;
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    private static void WriteJson(string path, string preset, RunSetup probe, int threads, double peak, List<Row> rows)
    {
        using var stream = File.Create(path);
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteString("preset", preset);
        json.WriteNumber("env_steps_per_agent", probe.TotalSteps);
        json.WriteNumber("threads", threads);
        json.WriteNumber("estimated_peak_gflops", peak);
        json.WriteString("machine", $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}");
        json.WriteStartArray("rows");
        foreach (var r in rows)
        {
            json.WriteStartObject();
            json.WriteNumber("k", r.K);
            json.WriteNumber("wall_seconds", r.WallSeconds);
            json.WriteNumber("env_steps", r.EnvSteps);
            json.WriteNumber("env_steps_per_second", r.EnvSteps / r.WallSeconds);
            json.WriteNumber("solved_fraction", r.Solved);
            json.WriteNumber("gemm_gflops", r.Gflops);
            if (double.IsFinite(r.BytesPerUpdate))
            {
                json.WriteNumber("allocated_bytes_per_agent_update", r.BytesPerUpdate);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
