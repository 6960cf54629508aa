using System.Globalization;
using Tensorless.Cli.Commands;
using Tensorless.Distributed;
using Tensorless.Rl.Plotting;
using Tensorless.Rl.Reports;
using Tensorless.Rl.Sweeps;

namespace Tensorless.Cli.Training;

/// <summary>
/// <c>tensorless sweep --distributed</c> under <c>mpirun -np R</c> (issue 14): rank r trains members r, r + R, r + 2R, ...
/// (<see cref="SweepShare"/>), each an ordinary member run directory with its report; an all-reduce of the ranks'
/// counts is the barrier after which rank 0 alone writes sweep.csv, sweep.json, the curves and report.html. Resumes as
/// the single-process sweep does: finished members are left untouched, whichever rank owns them.
/// </summary>
internal static class DistributedSweepJob
{
    public static int Run(SweepSpec spec, string dir, BandKind band, TextWriter stdout, TextWriter stderr)
    {
        if (!MpiStart.TryInitialize(stderr, out var communicator))
        {
            return ExitCodes.Failed;
        }

        using (communicator)
        {
            int rank = communicator.Rank;
            int size = communicator.Size;
            var members = spec.Members(dir);
            if (rank == 0)
            {
                stdout.WriteLine($"Sweep {spec.Name ?? Path.GetFileName(Path.GetFullPath(dir))}: {spec.Configurations().Count} configuration(s) x {spec.Seeds.Count} seed(s) = {members.Count} run(s), round-robin over {size} rank{(size == 1 ? "" : "s")}, in {Path.GetFullPath(dir)}");
            }

            string prefix = size == 1 ? "" : $"rank {rank}: ";
            var png = new PngWriter(stderr);
            using var stop = new StopSignal();
            int position = 0;
            var observer = new SweepObserver
            {
                Starting = (m, i, n) => position = i,
                Skipped = (m, i, n) => stdout.WriteLine($"{prefix}[{i}/{n}] {m.Configuration.Label}, seed {m.Seed}: finished earlier, kept."),
                Finished = (m, r) =>
                {
                    stdout.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"{prefix}[{position}/{members.Count}] {m.Configuration.Label}, seed {m.Seed}: {r.Status}, {r.Progress.EnvSteps:N0} steps, {r.Progress.WallSeconds:F1} s, final {r.Progress.MeanReturn:F1}{(r.Evaluation is { } e ? $", eval {e.MeanReturn:F1}" : "")}."));
                    if (r.Status != Rl.Runs.RunStatus.Interrupted)
                    {
                        RunReport.Write(m.Directory);
                        png.Run(m.Directory);
                    }
                },
            };
            var (trained, skipped, interrupted) = SweepRunner.RunShare(spec, dir, new SweepShare(rank, size), observer, stop.Token);

            // every rank has finished its share (or stopped) once this returns: the barrier before the summary
            Span<double> counts = [trained, skipped, interrupted ? 1 : 0];
            communicator.AllReduceSum(counts);
            bool anyInterrupted = counts[2] > 0;
            if (rank == 0)
            {
                var summary = SweepRunner.Summarize(spec, dir);
                string report = SweepReport.Write(dir, band);
                string pngText = png.Sweep(dir, band) is null ? "" : ", curves.png";
                stdout.WriteLine();
                stdout.Write(summary.ToText());
                stdout.WriteLine($"{counts[0]:F0} trained, {counts[1]:F0} kept over {size} rank{(size == 1 ? "" : "s")}. Wrote {Path.Combine(dir, "sweep.csv")}, sweep.json, curves.svg{pngText}, {Path.GetFileName(report)}.");
                if (anyInterrupted)
                {
                    stdout.WriteLine($"Interrupted; continue with: mpirun -np {size} tensorless sweep --distributed --resume {dir}");
                }
            }

            return anyInterrupted ? 130 : 0;
        }
    }
}
