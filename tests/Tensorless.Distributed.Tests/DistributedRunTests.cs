using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Runs;

namespace Tensorless.Distributed.Tests;

/// <summary>
/// <see cref="DistributedRun"/> on thread-ranks (no MPI needed): a stop at a target pooled over the ranks, a resume that
/// continues every rank from its own checkpoint with the same bits as the uninterrupted run, and the agreement check.
/// </summary>
public class DistributedRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("tl-drun-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static RunRequest Request(string dir, long totalSteps) => new()
    {
        Algorithm = "ppo",
        EnvId = "CartPole-v1",
        Seed = 7,
        TotalSteps = totalSteps,
        NoTarget = true,
        EvalEpisodes = 0,
        OutputDirectory = dir,
        Threads = 1,
        Overrides = ["normalize_observations=true", "normalize_rewards=true"],
    };

    /// <summary>Runs <paramref name="body"/> on <paramref name="size"/> threads joined by a <see cref="ThreadCommunicator"/>; rethrows the first error.</summary>
    private static T[] OnThreads<T>(int size, Func<ICommunicator, T> body)
    {
        var group = ThreadCommunicator.CreateGroup(size);
        var results = new T[size];
        var errors = new Exception?[size];
        var threads = Enumerable.Range(0, size).Select(r => new Thread(() =>
        {
            try
            {
                results[r] = body(group[r]);
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

        if (errors.FirstOrDefault(e => e is not null) is { } first)
        {
            throw new AggregateException(errors.Where(e => e is not null)!);
        }

        return results;
    }

    private static (double[] Weights, RunResult Result) Train(RunRequest request, ICommunicator communicator, int stopAtUpdate = int.MaxValue)
    {
        using var run = DistributedRun.Prepare(request, communicator);
        var result = run.Train([new StopAtUpdate(stopAtUpdate)]);
        return ([.. run.Run.Agent.Policy.Parameters.SelectMany(p => p.Data.ToArray())], result);
    }

    [Fact]
    public void Resume_TwoRanks_SameBitsAsUninterruptedRun()
    {
        string straight = Path.Combine(_root, "straight");
        string split = Path.Combine(_root, "split");
        var reference = OnThreads(2, c => Train(Request(straight, 4096), c));

        // interrupted at update 5 of 8 on both ranks (the budget, and so the linear schedules, stay the straight run's)
        var first = OnThreads(2, c => Train(Request(split, 4096), c, stopAtUpdate: 5));
        int savedAt = first[0].Result.Progress.Updates;
        Assert.Equal(5, savedAt);
        Assert.True(Directory.Exists(SynchronizedCheckpoint.RankDirectory(split, 1, savedAt)), "rank 1 saved no checkpoint at the final update");
        Assert.False(Directory.Exists(Path.Combine(_root, "split", "ranks", "0")), "rank 0 keeps its checkpoint in the run directory itself");

        var resume = new RunRequest { ResumeDirectory = split, EvalEpisodes = 0 };
        var resumed = OnThreads(2, c => Train(resume, c));

        Assert.Equal(reference[0].Weights, resumed[0].Weights);
        Assert.Equal(reference[1].Weights, resumed[1].Weights);
        Assert.Equal(reference[0].Weights, resumed[1].Weights);
        Assert.Equal(8, resumed[0].Result.Progress.Updates);
        Assert.Equal(reference[0].Result.Progress.Updates, resumed[0].Result.Progress.Updates);
        // rank 1's envs went on where they stood: its episode count matches the uninterrupted rank 1's
        Assert.Equal(reference[1].Result.Progress.Episodes.EpisodeCount, resumed[1].Result.Progress.Episodes.EpisodeCount);
        Assert.Equal(reference[0].Weights, TrainedPolicy.Load(split).Network.Parameters.SelectMany(p => p.Data.ToArray()));
    }

    [Fact]
    public void Resume_OtherRankCount_IsRefusedOnEveryRank()
    {
        string dir = Path.Combine(_root, "run");
        OnThreads(2, c => Train(Request(dir, 1024), c));
        var resume = new RunRequest { ResumeDirectory = dir, EvalEpisodes = 0 };
        var error = Assert.Throws<AggregateException>(() => OnThreads(3, c => Train(resume, c)));
        Assert.Equal(3, error.InnerExceptions.Count);
        Assert.Contains("was trained by 2 ranks; resume it with mpirun -np 2", error.InnerExceptions[0].Message);
        Assert.All(error.InnerExceptions.Skip(1), e => Assert.IsType<InvalidDataException>(e));
    }

    [Fact]
    public void Resume_RankCheckpointOfAnotherRun_FailsNamingTheRankAndTensor()
    {
        string dir = Path.Combine(_root, "run");
        string other = Path.Combine(_root, "other");
        var first = OnThreads(2, c => Train(Request(dir, 1024), c));
        // another run (seed 8) at the same update: it loads cleanly, but its weights are not this run's
        OnThreads(2, c => Train(Request(other, 1024) with { Seed = 8 }, c));
        int at = first[0].Result.Progress.Updates;
        string own = SynchronizedCheckpoint.RankDirectory(dir, 1, at);
        foreach (string file in Directory.GetFiles(SynchronizedCheckpoint.RankDirectory(other, 1, at)))
        {
            File.Copy(file, Path.Combine(own, Path.GetFileName(file)), overwrite: true);
        }

        var resume = new RunRequest { ResumeDirectory = dir, EvalEpisodes = 0 };
        var error = Assert.Throws<AggregateException>(() => OnThreads(2, c => Train(resume, c)));
        Assert.Equal(2, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, e =>
        {
            Assert.IsType<InvalidDataException>(e);
            Assert.Contains("rank 1's actor.0.weight differs", e.Message);
        });
    }

    [Fact]
    public void Target_TwoRanks_StopTogetherAtThePooledMean()
    {
        string dir = Path.Combine(_root, "target");
        var request = Request(dir, 200_000) with { NoTarget = false, Target = 40 };
        var results = OnThreads(2, c =>
        {
            using var run = DistributedRun.Prepare(request, c);
            var result = run.Train();
            return (result, Stop: run.TargetStop!);
        });
        var (rank0, stop0) = results[0];
        var (rank1, stop1) = results[1];
        Assert.Equal(RunStatus.Solved, rank0.Status);
        Assert.Equal(RunStatus.Solved, rank1.Status);
        Assert.Equal(rank0.Progress.Updates, rank1.Progress.Updates);
        Assert.True(rank0.Progress.EnvSteps < 100_000, $"stopped only after {rank0.Progress.EnvSteps} steps");
        Assert.Equal(stop0.PooledMeanReturn, stop1.PooledMeanReturn);
        Assert.True(stop0.PooledMeanReturn >= 40);
        Assert.Equal(100, stop0.PooledEpisodes);
        Assert.Equal(50, stop0.EpisodesPerRank);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal("solved", summary.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void StateAgreement_DifferentNormaliser_NamesIt()
    {
        var errors = Assert.Throws<AggregateException>(() => OnThreads(2, c =>
        {
            using var run = TrainingRun.Prepare(Request(Path.Combine(_root, $"rank{c.Rank}"), 1024));
            var stats = run.Agent.Learner.ObservationNormalizer!.Statistics;
            if (c.Rank == 1)
            {
                stats.SetMoments(stats.Mean, stats.Variance, stats.Count + 1);
            }

            StateAgreement.Verify(run.Agent, c);
            return 0;
        }));
        Assert.All(errors.InnerExceptions, e => Assert.Contains("rank 1's obs_rms.count differs", e.Message));
        Assert.Contains("(here, rank 1: obs_rms.count[0]", errors.InnerExceptions.Single(e => e.Message.Contains("here")).Message);
    }

    [Fact]
    public void StateAgreement_SameSeed_Passes()
    {
        OnThreads(2, c =>
        {
            using var run = TrainingRun.Prepare(Request(Path.Combine(_root, $"rank{c.Rank}"), 1024));
            StateAgreement.Verify(run.Agent, c);
            return 0;
        });
    }

    /// <summary>Stops training after update <paramref name="update"/> (the same update on every rank: an interruption a test can place).</summary>
    private sealed class StopAtUpdate(int update) : Tensorless.Rl.Training.ITrainingCallback
    {
        public bool OnUpdate(Tensorless.Rl.Training.TrainingProgress progress, Tensorless.Rl.Metrics.MetricsRecord metrics) => progress.Updates < update;
    }
}
