using Tensorless.Distributed;
using Tensorless.Rl.Runs;

namespace Tensorless.Cli.Training;

/// <summary>
/// <c>tensorless train --distributed</c> under <c>mpirun -np R</c> (issue 14): every rank builds the same agent with its
/// own seed stream (<see cref="DistributedTraining.RankSeed"/>) and a share of the budget, joins the group (rank 0's
/// weights broadcast, gradients averaged every step), and trains. Rank 0 writes the run directory and checkpoints; the
/// other ranks write to a scratch directory that is removed at the end and print nothing.
/// </summary>
internal static class DistributedTrainJob
{
    public static int Run(RunRequest request, bool plain, TextWriter stdout, TextWriter stderr)
    {
        if (request.ResumeDirectory is not null)
        {
            throw new ArgumentException("--distributed cannot resume a run yet; resume it in one process, or start a new distributed run.");
        }

        MpiCommunicator communicator;
        try
        {
            communicator = MpiCommunicator.Initialize();
        }
        catch (MpiUnavailableException ex)
        {
            stderr.WriteLine($"error: --distributed: {ex.Message}");
            return ExitCodes.Failed;
        }

        using (communicator)
        {
            int rank = communicator.Rank;
            int size = communicator.Size;
            string? scratch = rank == 0 ? null : Path.Combine(Path.GetTempPath(), $"tensorless-rank{rank}-{Environment.ProcessId}");
            var rankRequest = request with
            {
                Seed = DistributedTraining.RankSeed(request.Seed ?? 1, rank),
                TotalSteps = request.TotalSteps is long total ? Math.Max(1, total / size) : null,
                // stopping at a target reads each rank's own episodes: the ranks would stop at different updates
                Target = null,
                NoTarget = true,
                EvalEpisodes = rank == 0 ? request.EvalEpisodes : 0,
                OutputDirectory = scratch ?? request.OutputDirectory,
            };
            try
            {
                if (rank == 0)
                {
                    stdout.WriteLine($"Distributed: {size} rank{(size == 1 ? "" : "s")}, seeds seed + rank * 0x9E3779B97F4A7C15, {(request.TotalSteps is long t ? $"{t / size:N0} steps per rank" : "the default budget per rank")}.");
                }

                return TrainJob.Run(rankRequest, plain, rank == 0 ? stdout : TextWriter.Null, stderr,
                    run => DistributedTraining.Attach(run.Agent, communicator));
            }
            finally
            {
                if (scratch is not null && Directory.Exists(scratch))
                {
                    Directory.Delete(scratch, recursive: true);
                }
            }
        }
    }
}
