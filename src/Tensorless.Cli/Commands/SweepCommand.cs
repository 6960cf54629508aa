using Tensorless.Rl.Algorithms;
using System.CommandLine;
using System.Globalization;
using Tensorless.Cli.Training;
using Tensorless.Rl.Plotting;
using Tensorless.Rl.Reports;
using Tensorless.Rl.Sweeps;

namespace Tensorless.Cli.Commands;

/// <summary>
/// <c>tensorless sweep</c>: a grid or random search over <c>--set</c> keys times seeds; parsing and console output
/// only, the work is <see cref="SweepRunner"/>'s. Ctrl+C stops after the current update; running again continues.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var grid = new Option<string[]>("--grid") { Description = "A swept option: key=v1,v2,... (the --set keys). Repeatable; the grid is every combination." };
        var random = new Option<int?>("--random") { Description = "Random search: draw N configurations from the --grid values (a value uniform:A:B or log:A:B draws from a range)." };
        var randomSeed = new Option<int>("--random-seed") { Description = "Seed of the random search's draws." };
        var seeds = new Option<string?>("--seeds") { Description = "Training seeds: numbers and ranges, e.g. 1-5 or 1,3,7 (default 1)." };
        var file = new Option<string?>("--file") { Description = "Read the sweep from a JSON file (see docs)." };
        var spec = new Option<string?>("--spec") { Description = $"A built-in sweep: {string.Join(", ", SweepPresets.All.Keys)}." };
        var resume = new Option<string?>("--resume") { Description = "Continue the sweep saved in this directory." };
        var print = new Option<bool>("--print") { Description = "Print the sweep as a sweep file and the member count, and run nothing." };
        var preset = new Option<string?>("--preset") { Description = "Preset every member starts from." };
        var algo = new Option<string?>("--algo") { Description = "Algorithm." };
        var env = new Option<string?>("--env") { Description = "Env id." };
        var set = new Option<string[]>("--set") { Description = "An override shared by every member: key=value. Repeatable." };
        var totalSteps = new Option<long?>("--total-steps") { Description = "Env-step budget of each member (shrinks a study)." };
        var target = new Option<string?>("--target") { Description = "Stop return of each member, or 'none' to train the whole budget." };
        var evalEpisodes = new Option<int?>("--eval-episodes") { Description = "Evaluation episodes of each member (default 100)." };
        var solveThreshold = new Option<double?>("--solve-threshold") { Description = "Return that counts as solved in the summary (the first update whose last-100 mean reaches it), whatever the stop target; default each member's target." };
        var threads = new Option<int?>("--threads") { Description = "Threads of each member's gradient computation." };
        var output = new Option<string?>("--out") { Description = "Sweep directory (default sweeps/<name>)." };
        var distributed = new Option<bool>("--distributed") { Description = "Under mpirun -np R: share the members out over the R ranks (round-robin); rank 0 writes the summary once all are done. Needs --out, --resume or a named sweep." };
        var population = new Option<bool>("--population") { Description = "Train the members side by side as one population in this process, each on one thread (bit-identical to its solo --threads 1 run); --threads is then how many train at once." };
        var band = new Option<string>("--band") { Description = "Band of the multi-seed charts: ci (95% bootstrap CI) or minmax.", DefaultValueFactory = _ => "ci" };
        var command = new Command("sweep", "Train a grid (or random search) of configurations times seeds; writes a run directory per member, sweep.csv, sweep.json, curves.svg, curves.png and report.html.")
        {
            grid, random, randomSeed, seeds, file, spec, resume, print, preset, algo, env, set, totalSteps, target, evalEpisodes, solveThreshold, threads, output, band, distributed, population,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                string? resumeDir = parse.GetValue(resume);
                SweepSpec s = resumeDir is not null ? SweepRunner.Load(resumeDir)
                    : parse.GetValue(file) is string path ? SweepSpec.Parse(File.ReadAllText(path))
                    : parse.GetValue(spec) is string name ? SweepPresets.Get(name)
                    : new SweepSpec();
                if (resumeDir is null)
                {
                    s = Apply(parse, s, grid, random, randomSeed, seeds, preset, algo, env, set, totalSteps, target, evalEpisodes, threads);
                    if (parse.GetValue(solveThreshold) is double solve)
                    {
                        s = s with { SolveThreshold = double.IsFinite(solve) ? solve : throw new ArgumentException($"--solve-threshold takes a finite return, got {solve}.") };
                    }
                    if (parse.GetValue(population))
                    {
                        s = s with { Population = true };
                    }
                }
                else if (parse.GetValue(population) && !s.Population)
                {
                    throw new ArgumentException($"--population cannot change how the sweep in {resumeDir} trains; it was started without it.");
                }

                var members = s.Members(".");
                if (parse.GetValue(print))
                {
                    stdout.WriteLine(s.ToJson());
                    stdout.WriteLine($"{s.Configurations().Count} configuration(s) x {s.Seeds.Count} seed(s) = {members.Count} run(s).");
                    return 0;
                }

                if (parse.GetValue(distributed))
                {
                    string? named = resumeDir ?? parse.GetValue(output) ?? (s.Name is string sweepName ? Path.Combine("sweeps", sweepName) : null);
                    return named is null
                        ? throw new ArgumentException("sweep --distributed needs --out DIR (or --resume DIR, or a named sweep): the ranks must agree on the directory.")
                        : DistributedSweepJob.Run(s, named, ParseBand(parse.GetValue(band)), stdout, stderr);
                }

                string dir = resumeDir ?? parse.GetValue(output) ?? Path.Combine("sweeps", s.Name ?? $"{s.Preset ?? s.Algorithm ?? AlgorithmRegistry.Default.Name}-{DateTime.Now:yyyyMMdd-HHmmss}");
                var bandKind = ParseBand(parse.GetValue(band));
                stdout.WriteLine($"Sweep {s.Name ?? Path.GetFileName(Path.GetFullPath(dir))}: {s.Configurations().Count} configuration(s) x {s.Seeds.Count} seed(s) = {members.Count} run(s), {(s.Population ? $"side by side as a population on {s.Threads ?? Rl.Runs.RunSetup.DefaultThreads} thread(s)" : "one after another")}, in {Path.GetFullPath(dir)}");
                var png = new PngWriter(stderr);
                using var stop = new StopSignal();
                var populationLine = new PopulationProgress(stdout, live: ReferenceEquals(stdout, Console.Out) && !Console.IsOutputRedirected);
                var observer = new SweepObserver
                {
                    Skipped = (m, i, n) => stdout.WriteLine($"[{i}/{n}] {m.Configuration.Label}, seed {m.Seed}: finished earlier, kept."),
                    Starting = s.Population ? null : (m, i, n) => stdout.Write($"[{i}/{n}] {m.Configuration.Label}, seed {m.Seed}: "),
                    Progress = s.Population ? populationLine.Report : null,
                    Finished = (m, r) =>
                    {
                        if (s.Population)
                        {
                            populationLine.Finish();
                            stdout.Write($"{m.Configuration.Label}, seed {m.Seed}: ");
                        }

                        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"{r.Status}, {r.Progress.EnvSteps:N0} steps, {r.Progress.WallSeconds:F1} s, final {r.Progress.MeanReturn:F1}{(r.Evaluation is { } e ? $", eval {e.MeanReturn:F1}" : "")}."));
                        if (r.Status != Rl.Runs.RunStatus.Interrupted)
                        {
                            RunReport.Write(m.Directory);
                            png.Run(m.Directory);
                        }
                    },
                };
                var result = SweepRunner.Run(s, dir, observer, stop.Token);
                if (s.Population)
                {
                    populationLine.Finish();
                }
                string report = SweepReport.Write(dir, bandKind);
                string pngText = png.Sweep(dir, bandKind) is null ? "" : ", curves.png";
                stdout.WriteLine();
                stdout.Write(result.Summary.ToText());
                stdout.WriteLine($"Wrote {Path.Combine(dir, "sweep.csv")}, sweep.json, curves.svg{pngText}, {Path.GetFileName(report)}.");
                if (result.Interrupted)
                {
                    stdout.WriteLine($"Interrupted; continue with: tensorless sweep --resume {dir}");
                    return 130;
                }

                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or NotSupportedException)
            {
                stderr.WriteLine(CliErrors.Describe(ex));
                return 2;
            }
        });
        return command;
    }

    private static BandKind ParseBand(string? text) => text switch
    {
        "ci" => BandKind.BootstrapCi,
        "minmax" => BandKind.MinMax,
        var other => throw new ArgumentException($"--band takes ci or minmax, got '{other}'."),
    };

    private static SweepSpec Apply(ParseResult parse, SweepSpec s, Option<string[]> grid, Option<int?> random, Option<int> randomSeed, Option<string?> seeds,
        Option<string?> preset, Option<string?> algo, Option<string?> env, Option<string[]> set, Option<long?> totalSteps, Option<string?> target,
        Option<int?> evalEpisodes, Option<int?> threads)
    {
        if (parse.GetValue(grid) is { Length: > 0 } axes)
        {
            s = s with { Grid = [.. s.Grid, .. axes.Select(SweepAxis.Parse)] };
        }

        if (parse.GetValue(random) is int n) { s = s with { RandomSamples = n, RandomSeed = parse.GetValue(randomSeed) }; }
        if (parse.GetValue(seeds) is string seedText) { s = s with { Seeds = SweepSpec.ParseSeeds(seedText) }; }
        if (parse.GetValue(preset) is string p) { s = s with { Preset = p }; }
        if (parse.GetValue(algo) is string a) { s = s with { Algorithm = a }; }
        if (parse.GetValue(env) is string e) { s = s with { EnvId = e }; }
        if (parse.GetValue(set) is { Length: > 0 } sets) { s = s with { Set = [.. s.Set, .. sets] }; }
        if (parse.GetValue(totalSteps) is long steps) { s = s with { TotalSteps = steps }; }
        if (parse.GetValue(evalEpisodes) is int ev) { s = s with { EvalEpisodes = ev }; }
        if (parse.GetValue(threads) is int t) { s = s with { Threads = t }; }
        if (parse.GetValue(target) is string targetText)
        {
            s = string.Equals(targetText, "none", StringComparison.OrdinalIgnoreCase) ? s with { NoTarget = true, Target = null }
                : double.TryParse(targetText, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? s with { Target = v, NoTarget = false }
                : throw new ArgumentException($"--target takes a number or 'none', got '{targetText}'.");
        }

        s.Validate();
        return s;
    }
}
