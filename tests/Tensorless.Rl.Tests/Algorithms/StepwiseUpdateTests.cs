using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// PPO's and A2C's stepwise update (<see cref="IMinibatchUpdate"/>), the form a population's device drives: the pass
/// visits every minibatch of every epoch once, its calls must alternate, and misuse fails with a clear error instead of
/// reshuffling or skipping a minibatch.
/// </summary>
public class StepwiseUpdateTests
{
    private static Ppo SmallPpo(double? targetKl = null) =>
        new(Gym.MakeVector("CartPole-v1", 4, seed: 2), new PpoOptions
        {
            OnPolicy = new() { NumSteps = 16, Seed = 2 },
            MinibatchSize = 16, NumEpochs = 3, TargetKl = targetKl,
        });

    [Fact]
    public void APass_VisitsEveryMinibatchOfEveryEpoch_AndCountsTheEpochs()
    {
        using var ppo = SmallPpo();
        ppo.Learner.CollectRollout();
        IMinibatchUpdate update = ppo;
        update.BeginUpdatePass(1.0);
        int minibatches = 0;
        while (update.NextMinibatch())
        {
            Assert.Equal(16, update.CurrentRows);
            Assert.True(update.AcceptGradient(new UpdateStats { Loss = 1.0 }));
            minibatches++;
        }

        var metrics = MetricsRecord.CreateStandard();
        update.EndUpdatePass(metrics);
        Assert.Equal(3 * 64 / 16, minibatches);
        Assert.Equal(3.0, metrics["epochs"].AsDouble());
    }

    [Fact]
    public void TheTargetKl_EndsThePass_AndDropsThatGradient()
    {
        using var ppo = SmallPpo(targetKl: 0.01);
        ppo.Learner.CollectRollout();
        ppo.BeginUpdatePass(1.0);
        Assert.True(ppo.NextMinibatch());
        Assert.True(ppo.AcceptGradient(new UpdateStats { Loss = 1.0, ApproxKl = 0.001 }));
        Assert.True(ppo.NextMinibatch());
        Assert.False(ppo.AcceptGradient(new UpdateStats { Loss = 1.0, ApproxKl = 1.0 }));
        Assert.False(ppo.NextMinibatch());
        var metrics = MetricsRecord.CreateStandard();
        ppo.EndUpdatePass(metrics);
        Assert.Equal(1.0, metrics["epochs"].AsDouble()); // the stopped epoch stepped once, so it counts
    }

    [Fact]
    public void MisusedCalls_FailWithTheirOrder()
    {
        using var ppo = SmallPpo();
        ppo.Learner.CollectRollout();
        Assert.Contains("BeginUpdatePass", Assert.Throws<InvalidOperationException>(() => ppo.NextMinibatch()).Message, StringComparison.Ordinal);
        ppo.BeginUpdatePass(1.0);
        Assert.Contains("NextMinibatch first", Assert.Throws<InvalidOperationException>(() => ppo.AcceptGradient(default)).Message, StringComparison.Ordinal);
        Assert.True(ppo.NextMinibatch());
        Assert.Contains("AcceptGradient first", Assert.Throws<InvalidOperationException>(() => ppo.NextMinibatch()).Message, StringComparison.Ordinal);
        Assert.Throws<TrainingDivergedException>(() => ppo.AcceptGradient(new UpdateStats { Loss = double.NaN }));

        using var a2c = new A2c(Gym.MakeVector("CartPole-v1", 4, seed: 2), new A2cOptions { OnPolicy = new() { NumSteps = 8, Seed = 2 } });
        a2c.Learner.CollectRollout();
        a2c.BeginUpdatePass(1.0);
        Assert.Throws<InvalidOperationException>(() => a2c.EndUpdatePass(MetricsRecord.CreateStandard())); // no gradient was accepted
        a2c.BeginUpdatePass(1.0);
        Assert.True(a2c.NextMinibatch());
        Assert.Contains("AcceptGradient first", Assert.Throws<InvalidOperationException>(() => a2c.NextMinibatch()).Message, StringComparison.Ordinal);
        Assert.Equal(32, a2c.CurrentRows);
        Assert.True(a2c.AcceptGradient(new UpdateStats { Loss = 1.0, PolicyLoss = 0.25 }));
        Assert.False(a2c.NextMinibatch()); // one batch per update
        Assert.Throws<InvalidOperationException>(() => a2c.AcceptGradient(default));
        var metrics = MetricsRecord.CreateStandard();
        a2c.EndUpdatePass(metrics);
        Assert.Equal(0.25, metrics[MetricNames.PolicyLoss].AsDouble());
        Assert.Throws<InvalidOperationException>(() => a2c.EndUpdatePass(metrics));
    }
}
