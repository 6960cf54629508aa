using Tensorless.Autodiff.Optim;

namespace Tensorless.Autodiff.Tests.Optim;

public class LearningRateScheduleTests
{
    [Fact]
    public void Constant_IsTheSameEverywhere()
    {
        var s = LearningRateSchedule.Constant(3e-4);
        Assert.Equal(3e-4, s.ValueAt(1.0));
        Assert.Equal(3e-4, s.ValueAt(0.37));
        Assert.Equal(3e-4, s.ValueAt(0.0));
    }

    [Fact]
    public void Linear_GoesFromInitialAtStartToFinalAtEnd()
    {
        // progress_remaining 1 = start, 0 = end (SB3).
        var s = LearningRateSchedule.Linear(1e-3, 1e-4);
        Assert.Equal(1e-3, s.ValueAt(1.0), 1e-18);
        Assert.Equal(5.5e-4, s.ValueAt(0.5), 1e-18);
        Assert.Equal(1e-4, s.ValueAt(0.0), 1e-18);
        Assert.Equal(1e-3, s.ValueAt(1.5), 1e-18); // clamped
    }

    [Fact]
    public void Linear_EndFraction_HoldsFinalAfterwards()
    {
        // SB3's get_linear_fn(1.0, 0.05, 0.1), the DQN exploration schedule: reaches 0.05 after 10% of training.
        var s = LearningRateSchedule.Linear(1.0, 0.05, endFraction: 0.1);
        Assert.Equal(1.0, s.ValueAt(1.0));
        Assert.Equal(0.525, s.ValueAt(0.95), 1e-12);
        Assert.Equal(0.05, s.ValueAt(0.9), 1e-12);
        Assert.Equal(0.05, s.ValueAt(0.2));
    }

    [Fact]
    public void Linear_MatchesCleanRlAnnealing()
    {
        // CleanRL: frac = 1 - (update - 1) / num_updates; lr = frac * 2.5e-4.
        var s = LearningRateSchedule.Linear(2.5e-4);
        const int numUpdates = 8;
        for (int update = 1; update <= numUpdates; update++)
        {
            double frac = 1.0 - (update - 1.0) / numUpdates;
            Assert.Equal(frac * 2.5e-4, s.ValueAt(LearningRateSchedule.ProgressRemaining(update - 1, numUpdates)), 1e-18);
        }
    }

    [Fact]
    public void Cosine_HalfwayIsMidpoint_AndEndsAtFinal()
    {
        var s = LearningRateSchedule.Cosine(1.0, 0.2);
        Assert.Equal(1.0, s.ValueAt(1.0), 1e-15);
        Assert.Equal(0.6, s.ValueAt(0.5), 1e-15);
        Assert.Equal(0.2 + 0.4 * (1 + Math.Cos(Math.PI * 0.25)), s.ValueAt(0.75), 1e-15);
        Assert.Equal(0.2, s.ValueAt(0.0), 1e-15);
    }

    [Fact]
    public void ProgressRemaining_FollowsSb3()
    {
        Assert.Equal(1.0, LearningRateSchedule.ProgressRemaining(0, 1000));
        Assert.Equal(0.75, LearningRateSchedule.ProgressRemaining(250, 1000));
        Assert.Equal(0.0, LearningRateSchedule.ProgressRemaining(1200, 1000));
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.ProgressRemaining(1, 0));
    }

    [Fact]
    public void InvalidArguments_ThrowNamingTheOption()
    {
        Assert.Equal("initial", Assert.Throws<ArgumentException>(() => LearningRateSchedule.Linear(-1)).ParamName);
        Assert.Equal("final", Assert.Throws<ArgumentException>(() => LearningRateSchedule.Cosine(1, double.NaN)).ParamName);
        Assert.Equal("endFraction", Assert.Throws<ArgumentException>(() => LearningRateSchedule.Linear(1, 0, 0)).ParamName);
        Assert.Throws<ArgumentException>(() => LearningRateSchedule.Constant(1).ValueAt(double.NaN));
    }
}
