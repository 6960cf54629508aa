using System.Globalization;
using Tensorless.Distributed;

namespace Tensorless.Cli.Training;

/// <summary>
/// <c>tensorless train --distributed</c> under <c>mpirun -np R</c> (issue 14): every rank prepares its share of the run
/// (<see cref="DistributedRun"/>: its own seed stream and a share of the budget, rank 0's weights broadcast, or, with
/// <c>--resume</c>, its own checkpoint of the update rank 0 resumes, checked to agree with rank 0's), and trains with
/// gradients averaged every step, checkpoints taken together and a target reached together. Rank 0 writes the run
/// directory and prints; the other ranks print nothing but errors.
/// </summary>
internal static class DistributedTrainJob
{
    public static int Run(Tensorless.Rl.Runs.RunRequest request, bool plain, TextWriter stdout, TextWriter stderr)
    {
        if (!MpiStart.TryInitialize(stderr, out var communicator))
        {
            return ExitCodes.Failed;
        }

        using (communicator)
        {
            int rank = communicator.Rank;
            int size = communicator.Size;
            using var distributed = DistributedRun.Prepare(request, communicator);
            var output = rank == 0 ? stdout : TextWriter.Null;
            output.WriteLine(request.ResumeDirectory is null
                ? $"Distributed: {size} rank{(size == 1 ? "" : "s")}, seeds seed + rank * 0x9E3779B97F4A7C15, {(request.TotalSteps is long t ? $"{t / size:N0} steps per rank" : "the default budget per rank")}."
                : $"Distributed: {size} rank{(size == 1 ? "" : "s")} resumed at update {distributed.Run.Agent.Learner.Progress.Updates}, each from its own checkpoint; parameters, optimizer state and normalisers agree on every rank.");
            int code = TrainJob.Run(distributed.Run, plain, output, stderr, [distributed.Checkpoints]);
            if (distributed.TargetStop is { } target && !double.IsNaN(target.PooledMeanReturn))
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"Over all ranks: the last {target.PooledEpisodes} training episodes ({target.EpisodesPerRank} per rank) averaged {target.PooledMeanReturn:F1} (target {target.Threshold})."));
            }

            if (code == TrainJob.InterruptedExitCode)
            {
                output.WriteLine($"A distributed run resumes under mpirun, every rank from its own checkpoint: mpirun -np {size} tensorless train --distributed --resume {distributed.RunDirectory}");
            }

            return code;
        }
    }
}
