using System.Diagnostics;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Sweeps;

namespace Tensorless.Distributed.Tests;

/// <summary>
/// Data-parallel training: R learners on threads (no MPI needed) keep identical weights, and a 2-rank
/// <c>mpirun tensorless train --distributed</c> ends with the same bits as the same 2 learners on threads. The MPI tests
/// return early, printing why, where OpenMPI's mpirun or libmpi.so.40 is not installed.
/// </summary>
public class MpiTrainingTests
{
    private static RunRequest Request(string algo, string outDir, int rank, int size, long totalSteps) => new()
    {
        Algorithm = algo,
        EnvId = "CartPole-v1",
        Seed = DistributedTraining.RankSeed(7, rank),
        TotalSteps = totalSteps / size,
        NoTarget = true,
        EvalEpisodes = 0,
        OutputDirectory = outDir,
        Threads = 1,
        Overrides = ["normalize_observations=true"],
    };

    /// <summary>Trains <paramref name="size"/> learners on threads joined by a <see cref="ThreadCommunicator"/>; returns each rank's final weights.</summary>
    private static double[][] TrainOnThreads(string algo, int size, long totalSteps, string root)
    {
        var group = ThreadCommunicator.CreateGroup(size);
        var weights = new double[size][];
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(r => new Thread(() =>
        {
            try
            {
                using var run = TrainingRun.Prepare(Request(algo, Path.Combine(root, $"rank{r}"), r, size, totalSteps));
                DistributedTraining.Attach(run.Agent, group[r]);
                run.Train([], CancellationToken.None);
                weights[r] = [.. run.Agent.Policy.Parameters.SelectMany(p => p.Data.ToArray())];
            }
            catch (Exception ex)
            {
                errors[r] = ex;
            }
        })).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        Assert.All(errors, e => Assert.Null(e));
        return weights;
    }

    [Theory]
    [InlineData("ppo")]
    [InlineData("a2c")]
    [InlineData("trpo")]
    [InlineData("npg")]
    public void ThreadRanks_TwoLearners_EndWithIdenticalWeights(string algo)
    {
        string root = Directory.CreateTempSubdirectory("tl-dist-").FullName;
        try
        {
            var weights = TrainOnThreads(algo, 2, 2048, root);
            Assert.Equal(weights[0], weights[1]);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("ppo")]
    [InlineData("a2c")]
    [InlineData("trpo")]
    public void Mpirun_TwoRanks_SameBitsAsTwoThreadRanks(string algo)
    {
        if (MpiHarness.SkipReason() is string reason)
        {
            Console.WriteLine($"skipped: {reason}");
            return;
        }

        string root = Directory.CreateTempSubdirectory("tl-mpi-").FullName;
        try
        {
            string outDir = Path.Combine(root, "mpi");
            var (code, output) = MpiHarness.Run(2, $"train --distributed --algo {algo} --env CartPole-v1 --seed 7 --total-steps 2048 --threads 1 --eval-episodes 0 --set normalize_observations=true --plain --out {outDir}", TimeSpan.FromMinutes(3));
            Assert.True(code == 0, output);
            double[] mpi = [.. TrainedPolicy.Load(outDir).Network.Parameters.SelectMany(p => p.Data.ToArray())];
            var reference = TrainOnThreads(algo, 2, 2048, Path.Combine(root, "threads"));
            Assert.Equal(reference[0], mpi);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Mpirun_RankFails_JobEndsWithErrorInBoundedTime()
    {
        if (MpiHarness.SkipReason() is string reason)
        {
            Console.WriteLine($"skipped: {reason}");
            return;
        }

        // an invalid option fails on every rank before training; OpenMPI aborts the job once one rank exits non-zero
        var watch = Stopwatch.StartNew();
        var (code, output) = MpiHarness.Run(2, "train --distributed --algo ppo --total-steps 64 --set num_envs=2 --eval-episodes 0 --plain --out /tmp/tl-mpi-never", TimeSpan.FromSeconds(60));
        Assert.NotEqual(0, code);
        Assert.Contains("MinibatchSize", output);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(60));
    }

    [Fact]
    public void Mpirun_TwoRankSweep_CompletesEveryMemberAndResumesKeepingFinishedOnes()
    {
        if (MpiHarness.SkipReason() is string reason)
        {
            Console.WriteLine($"skipped: {reason}");
            return;
        }

        string root = Directory.CreateTempSubdirectory("tl-mpi-sweep-").FullName;
        try
        {
            string dir = Path.Combine(root, "sweep");
            var (code, output) = MpiHarness.Run(2, $"sweep --distributed --preset ppo-cartpole --grid learning_rate=1e-3,3e-4 --seeds 1-2 --total-steps 512 --eval-episodes 1 --threads 1 --out {dir}", TimeSpan.FromMinutes(3));
            Assert.True(code == 0, output);
            string[] members = [.. from lr in new[] { "learning_rate=1e-3", "learning_rate=3e-4" } from seed in new[] { "seed1", "seed2" } select Path.Combine(dir, lr, seed)];
            Assert.All(members, m => Assert.True(SweepSummary.IsFinished(m), $"{m} is not finished\n{output}"));
            Assert.Contains("rank 0: [1/4]", output);
            Assert.Contains("rank 1: [2/4]", output);
            string csv = File.ReadAllText(Path.Combine(dir, "sweep.csv"));
            Assert.Contains("learning_rate=1e-3", csv);
            Assert.Contains("learning_rate=3e-4", csv);
            using (var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "sweep.json"))))
            {
                Assert.Equal(0, json.RootElement.GetProperty("pending_members").GetInt32());
                var configurations = json.RootElement.GetProperty("configurations").EnumerateArray().ToList();
                Assert.Equal(2, configurations.Count);
                Assert.All(configurations, c => Assert.Equal(2, c.GetProperty("seeds").GetInt32()));
            }

            Assert.True(File.Exists(Path.Combine(dir, "report.html")));
            Assert.True(File.Exists(Path.Combine(dir, "curves.svg")));

            // resume: the finished members stay byte for byte; a member whose run was lost (rank 1's, index 3) retrains
            var before = members.ToDictionary(m => m, m => File.ReadAllBytes(Path.Combine(m, "summary.json")));
            var stamps = members.ToDictionary(m => m, m => File.GetLastWriteTimeUtc(Path.Combine(m, "summary.json")));
            Directory.Delete(members[3], recursive: true);
            (code, output) = MpiHarness.Run(2, $"sweep --distributed --resume {dir}", TimeSpan.FromMinutes(3));
            Assert.True(code == 0, output);
            Assert.Contains("3 kept", output);
            Assert.Contains("1 trained", output);
            foreach (var m in members.Take(3))
            {
                Assert.Equal(before[m], File.ReadAllBytes(Path.Combine(m, "summary.json")));
                Assert.Equal(stamps[m], File.GetLastWriteTimeUtc(Path.Combine(m, "summary.json")));
            }

            Assert.True(SweepSummary.IsFinished(members[3]), output);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
