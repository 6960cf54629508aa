using System.CommandLine;
using Tensorless.Rl.Plotting;
using Tensorless.Rl.Reports;

namespace Tensorless.Cli.Commands;

/// <summary><c>tensorless report</c>: (re)builds report.html of a run or a sweep directory from its files.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var run = new Option<string?>("--run") { Description = "A run directory (summary.json, metrics.csv, config.json)." };
        var sweep = new Option<string?>("--sweep") { Description = "A sweep directory (sweep-spec.json); also rebuilds each finished member's report." };
        var band = new Option<string>("--band") { Description = "Band of a sweep's multi-seed charts: ci (95% bootstrap CI) or minmax.", DefaultValueFactory = _ => "ci" };
        var command = new Command("report", "Write a self-contained report.html and the PNG charts (summary, curves, options, evaluation; a sweep's table and multi-seed charts).") { run, sweep, band };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                string? runDir = parse.GetValue(run), sweepDir = parse.GetValue(sweep);
                if ((runDir is null) == (sweepDir is null))
                {
                    throw new ArgumentException("Give exactly one of --run DIR or --sweep DIR.");
                }

                var png = new PngWriter(stderr);
                if (runDir is not null)
                {
                    stdout.WriteLine($"Wrote {RunReport.Write(runDir)}");
                    if (png.Run(runDir) is string curve)
                    {
                        stdout.WriteLine($"Wrote {curve}");
                    }

                    return 0;
                }

                var spec = Rl.Sweeps.SweepRunner.Load(sweepDir!);
                foreach (var m in spec.Members(sweepDir!).Where(m => Rl.Sweeps.SweepSummary.IsFinished(m.Directory)))
                {
                    RunReport.Write(m.Directory);
                    png.Run(m.Directory);
                }

                var kind = parse.GetValue(band) == "minmax" ? BandKind.MinMax : BandKind.BootstrapCi;
                stdout.WriteLine($"Wrote {SweepReport.Write(sweepDir!, kind)}");
                if (png.Sweep(sweepDir!, kind) is string curves)
                {
                    stdout.WriteLine($"Wrote {curves}");
                }
                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidDataException or IOException or System.Text.Json.JsonException)
            {
                stderr.WriteLine(CliErrors.Describe(ex));
                return 2;
            }
        });
        return command;
    }
}
