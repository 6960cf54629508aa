using Tensorless.Rl.Metrics;

namespace Tensorless.Rl.Tests.Metrics;

/// <summary>The episode history behind curve.svg stays bounded over arbitrarily long runs (issue 13).</summary>
public class EpisodeHistoryTests
{
    [Fact]
    public void History_MillionEpisodes_StaysBoundedAndFaithful()
    {
        // one env whose every step ends an episode with return i: 1e6 episodes, 1e6 env steps
        var stats = new EpisodeStatistics(1, keepHistory: true);
        bool[] done = [true], notDone = [false];
        double total = 0;
        for (int i = 1; i <= 1_000_000; i++)
        {
            stats.Record([i], done, notDone);
            total += i;
        }

        var history = stats.History;
        Assert.InRange(history.Count, 1, EpisodeStatistics.DefaultHistoryCapacity);
        Assert.Equal(1_000_000L, history.Sum(e => (long)e.Count));
        Assert.Equal(1_000_000L, history.Sum(e => (long)e.Length)); // every episode had length 1
        Assert.Equal(1_000_000L, history[^1].EnvSteps);              // the last point is the last episode
        Assert.Equal(total / 1e6, history.Sum(e => e.Return * e.Count) / 1e6, 1e-6);
        for (int k = 1; k < history.Count; k++)
        {
            Assert.True(history[k].EnvSteps > history[k - 1].EnvSteps);
        }

        // a block's return is the mean of the consecutive episodes it stands for
        var first = history[0];
        Assert.Equal((1.0 + first.Count) / 2.0, first.Return);
        Assert.Equal(first.Count, first.EnvSteps);
    }

    [Fact]
    public void History_BelowCapacity_KeepsEveryEpisode()
    {
        var stats = new EpisodeStatistics(1, keepHistory: true, historyCapacity: 8);
        for (int i = 1; i <= 8; i++)
        {
            stats.Record([i], [true], [false]);
        }

        Assert.Equal(Enumerable.Range(1, 8).Select(i => new FinishedEpisode(i, 0, i, 1, false)), stats.History);
    }

    [Fact]
    public void History_Full_MergesPairsAndKeepsTheRollingMeanExact()
    {
        var stats = new EpisodeStatistics(1, keepHistory: true, historyCapacity: 4);
        for (int i = 1; i <= 11; i++)
        {
            stats.Record([i], [true], [false]);
        }

        // 8 episodes in 4 blocks of 2, merged to 2 blocks of 4 at episode 9: [1..4], [5..8], then [9..11] filling a block of 4
        Assert.Equal(
            [new FinishedEpisode(4, 0, 2.5, 4, false, 4), new FinishedEpisode(8, 0, 6.5, 4, false, 4), new FinishedEpisode(11, 0, 10, 3, false, 3)],
            stats.History);
    }
}

/// <summary>A checkpoint keeps a merged history exactly: a resumed run's history goes on merging as the original's.</summary>
public class EpisodeHistoryCheckpointTests
{
    [Fact]
    public void Resume_MergedHistory_ContinuesBitForBit()
    {
        string dir = Checkpoints.CheckpointTestKit.TempDirectory();
        try
        {
            using var agent = Checkpoints.CheckpointTestKit.PpoCartPole();
            agent.Learn(64);
            var episodes = agent.Learner.Collector.Episodes;
            var rewards = new double[episodes.NumEnvs];
            var done = Enumerable.Repeat(true, episodes.NumEnvs).ToArray();
            var notDone = new bool[episodes.NumEnvs];
            for (int i = 0; i < 5000; i++)
            {
                rewards.AsSpan().Fill(Math.Sin(i) * 100);
                episodes.Record(rewards, done, notDone);
            }

            Assert.True(episodes.History[0].Count > 1, "the history should have merged");
            Tensorless.Rl.Checkpoints.Checkpoint.Save(agent, dir);
            using var resumed = Tensorless.Rl.Checkpoints.Checkpoint.Resume(dir);
            var restored = resumed.Learner.Collector.Episodes;
            Assert.Equal(episodes.History, restored.History);
            for (int i = 0; i < 7000; i++)
            {
                rewards.AsSpan().Fill(Math.Cos(i) * 10);
                episodes.Record(rewards, done, notDone);
                restored.Record(rewards, done, notDone);
            }

            Assert.Equal(episodes.History, restored.History);
            Assert.InRange(restored.History.Count, 1, EpisodeStatistics.DefaultHistoryCapacity);
        }
        finally
        {
            Checkpoints.CheckpointTestKit.Dispose(dir);
        }
    }
}
