using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Training;

public class StopOnRewardTests
{
    [Fact]
    public void SmallWindow_AveragesOnlyTheMostRecentEpisodes()
    {
        // 10 episodes of return 0, then 10 of return 100: the last 5 average 100, the whole 100-slot ring 50
        var episodes = new EpisodeStatistics(numEnvs: 1);
        for (int i = 0; i < 20; i++)
        {
            episodes.Record([i < 10 ? 0.0 : 100.0], [true], [false]);
        }

        Assert.Equal(100.0, episodes.MeanReturnOfLast(5));
        Assert.Equal(50.0, episodes.MeanReturnOfLast(100));
        Assert.Equal(episodes.MeanReturn, episodes.MeanReturnOfLast(20));
        var progress = new TrainingProgress(episodes);
        Assert.False(new StopOnReward(90, window: 5).OnUpdate(progress, MetricsRecord.CreateStandard()));
        Assert.True(new StopOnReward(90, window: 20).OnUpdate(progress, MetricsRecord.CreateStandard()));
    }

    [Fact]
    public void SmallWindow_WrapsAroundTheRing()
    {
        var episodes = new EpisodeStatistics(numEnvs: 1, window: 4);
        foreach (double r in new[] { 1.0, 2.0, 3.0, 4.0, 5.0, 6.0 })
        {
            episodes.Record([r], [true], [false]);
        }

        Assert.Equal(5.5, episodes.MeanReturnOfLast(2));
        Assert.Equal(5.0, episodes.MeanReturnOfLast(3));
        Assert.Equal(4.5, episodes.MeanReturnOfLast(4));
    }
}
