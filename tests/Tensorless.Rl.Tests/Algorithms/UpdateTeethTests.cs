using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// The algorithms' real update rules, each checked for a property that a sign or placement error breaks: the entropy
/// bonus raises entropy, value clipping holds the value loss at the rollout's, the target-KL stop drops the minibatch
/// that exceeds, the schedules reach the optimizer and the loss, and the KL penalty uses the current beta.
/// </summary>
public class UpdateTeethTests
{
    private static PpoOptions CartPolePpo(double entCoef = 0.0) => new()
    {
        OnPolicy = new() { NumSteps = 32, Seed = 21, EntCoef = entCoef, LearningRate = 3e-3 },
        MinibatchSize = 128, NumEpochs = 4,
    };

    private static Ppo NewPpo(PpoOptions options) => new(Gym.MakeVector("CartPole-v1", 4, seed: 21), options);

    /// <summary>Mean policy entropy over the rollout's observations under the current weights.</summary>
    private static double MeanEntropy(IOnPolicyAlgorithm agent)
    {
        var buffer = agent.Learner.Buffer;
        var tape = new Tape(recording: false);
        var obs = tape.Constant(buffer.Observations, buffer.Count, buffer.ObservationSize);
        var actions = tape.Constant(buffer.Actions, buffer.Count, buffer.ActionSize);
        var entropy = agent.Policy.Evaluate(tape, obs, actions, withValue: false).Entropy.Data;
        double sum = 0;
        foreach (double h in entropy)
        {
            sum += h;
        }

        return sum / entropy.Length;
    }

    private static double Metric(MetricsRecord metrics, string name) =>
        metrics.TryGet(name, out var value) ? value.AsDouble() : throw new KeyNotFoundException(name);

    [Fact]
    public void Ppo_EntropyBonus_RaisesEntropyAgainstTheSameUpdateWithout()
    {
        // Pendulum: the Gaussian's entropy grows with log-std without bound (a near-uniform categorical is already at its maximum)
        using var without = new Ppo(Gym.MakeVector("Pendulum-v1", 4, seed: 21), CartPolePpo(entCoef: 0.0));
        using var with = new Ppo(Gym.MakeVector("Pendulum-v1", 4, seed: 21), CartPolePpo(entCoef: 1.0));
        without.Learner.CollectRollout();
        with.Learner.CollectRollout();
        double start = MeanEntropy(with);
        without.Update(1.0, MetricsRecord.CreateStandard());
        with.Update(1.0, MetricsRecord.CreateStandard());
        Assert.True(MeanEntropy(with) > MeanEntropy(without) + 1e-4, $"with {MeanEntropy(with)}, without {MeanEntropy(without)}");
        Assert.True(MeanEntropy(with) > start, "a large bonus should raise the entropy itself");
    }

    [Fact]
    public void A2c_EntropyBonus_RaisesEntropyAgainstTheSameUpdateWithout()
    {
        A2cOptions Options(double entCoef) => new() { OnPolicy = A2cOptions.Defaults with { NumSteps = 16, Seed = 22, EntCoef = entCoef, LearningRate = 3e-3 } };
        using var without = new A2c(Gym.MakeVector("Pendulum-v1", 4, seed: 22), Options(0.0));
        using var with = new A2c(Gym.MakeVector("Pendulum-v1", 4, seed: 22), Options(1.0));
        without.Learner.CollectRollout();
        with.Learner.CollectRollout();
        double start = MeanEntropy(with);
        without.Update(1.0, MetricsRecord.CreateStandard());
        with.Update(1.0, MetricsRecord.CreateStandard());
        // RMSprop's first step is about lr / sqrt(1 - alpha) per coordinate whatever the gradient's size, so the bonus
        // can only tie the unregularised step where that already raised log-std; the bonus must raise the entropy
        Assert.True(MeanEntropy(with) >= MeanEntropy(without), $"with {MeanEntropy(with)}, without {MeanEntropy(without)}");
        Assert.True(MeanEntropy(with) > start + 1e-3, $"a large bonus should raise the entropy itself: {start} -> {MeanEntropy(with)}");
    }

    [Fact]
    public void Ppo_ClipRangeVf_HoldsTheValueLossAtTheRolloutValues()
    {
        // two full-batch epochs: the first step's value loss is MSE(V_old, R) whatever the clipping; in the second, a
        // clip range of 1e-9 keeps the clipped prediction V_old + clamp(V - V_old) within 1e-9 of V_old, so the reported
        // mean stays MSE(V_old, R); unclipped, the critic's first step has already lowered it
        PpoOptions Options(double? clipVf) => CartPolePpo() with { NumEpochs = 2, ClipRangeVf = clipVf };
        using var clipped = NewPpo(Options(1e-9));
        using var unclipped = NewPpo(Options(null));
        clipped.Learner.CollectRollout();
        unclipped.Learner.CollectRollout();
        var buffer = clipped.Learner.Buffer;
        double rolloutLoss = 0;
        for (int i = 0; i < buffer.Count; i++)
        {
            double d = buffer.Values[i] - buffer.Returns[i];
            rolloutLoss += d * d;
        }

        rolloutLoss /= buffer.Count;
        var clippedMetrics = MetricsRecord.CreateStandard();
        var unclippedMetrics = MetricsRecord.CreateStandard();
        clipped.Update(1.0, clippedMetrics);
        unclipped.Update(1.0, unclippedMetrics);
        Assert.Equal(rolloutLoss, Metric(clippedMetrics, MetricNames.ValueLoss), 1e-6 * rolloutLoss);
        Assert.True(Metric(unclippedMetrics, MetricNames.ValueLoss) < rolloutLoss * (1 - 1e-4), "the control: unclipped, the second epoch's loss is lower");
    }

    [Fact]
    public void Ppo_TargetKl_DropsTheMinibatchThatExceedsBeforeItsStep()
    {
        // full batch: the first epoch's KL is 0 (step taken), the second's exceeds a 1e-12 target, so exactly one step is
        // taken: the same parameters as a single-epoch update. Stepping before the check would take two.
        using var stopped = NewPpo(CartPolePpo() with { NumEpochs = 3, TargetKl = 1e-12, TargetKlFactor = 1.0 });
        using var oneEpoch = NewPpo(CartPolePpo() with { NumEpochs = 1 });
        stopped.Learner.CollectRollout();
        oneEpoch.Learner.CollectRollout();
        var metrics = MetricsRecord.CreateStandard();
        stopped.Update(1.0, metrics);
        oneEpoch.Update(1.0, MetricsRecord.CreateStandard());
        AssertSameParameters(oneEpoch, stopped);
        Assert.Equal(1, Metric(metrics, "epochs"));
    }

    [Fact]
    public void Ppo_Schedules_ReachTheOptimizerAndTheLossAtProgressP()
    {
        // at progress 0.5 the linear schedules give lr 0.015 and clip 0.1 exactly (halving is exact): the update must
        // be bit for bit the constant-schedule update with those values
        var linear = CartPolePpo() with
        {
            OnPolicy = CartPolePpo().OnPolicy with { LearningRate = 0.03, LearningRateSchedule = Schedule.Linear },
            ClipRange = 0.2, ClipRangeSchedule = Schedule.Linear, NumEpochs = 10,
        };
        var constant = CartPolePpo() with { OnPolicy = CartPolePpo().OnPolicy with { LearningRate = 0.015 }, ClipRange = 0.1, NumEpochs = 10 };
        var wideClip = constant with { ClipRange = 0.2 };
        var fullRate = constant with { OnPolicy = constant.OnPolicy with { LearningRate = 0.03 } };
        using var scheduled = NewPpo(linear);
        using var expected = NewPpo(constant);
        using var controlClip = NewPpo(wideClip);
        using var controlRate = NewPpo(fullRate);
        IOnPolicyAlgorithm[] agents = [scheduled, expected, controlClip, controlRate];
        var metrics = MetricsRecord.CreateStandard();
        foreach (var agent in agents)
        {
            agent.Learner.CollectRollout();
            ((Ppo)agent).Update(0.5, agent == scheduled ? metrics : MetricsRecord.CreateStandard());
        }

        Assert.Equal(0.015, scheduled.Optimizers[0].Optimizer.LearningRate);
        Assert.Equal(0.1, Metric(metrics, "clip_range"));
        AssertSameParameters(expected, scheduled);
        // the controls show both values matter to this update: a different clip range or rate gives other parameters
        Assert.NotEqual(DeterminismTests.Flatten(expected.Policy.Parameters), DeterminismTests.Flatten(controlClip.Policy.Parameters));
        Assert.NotEqual(DeterminismTests.Flatten(expected.Policy.Parameters), DeterminismTests.Flatten(controlRate.Policy.Parameters));
    }

    [Fact]
    public void Ppo_KlPenalty_UsesTheCurrentBetaInTheLoss()
    {
        // an agent whose beta was set to 4 (as the adaptive rule or a checkpoint sets it) updates exactly as one that
        // started at 4, and unlike one at 1
        PpoOptions Options(double beta) => CartPolePpo() with { PolicyObjective = PolicyObjective.AdaptiveKlPenalty, KlBetaInit = beta, MinibatchSize = 32 };
        using var set = NewPpo(Options(1.0));
        using var started = NewPpo(Options(4.0));
        using var control = NewPpo(Options(1.0));
        set.KlBeta = 4.0;
        foreach (var agent in new[] { set, started, control })
        {
            agent.Learner.CollectRollout();
            agent.Update(1.0, MetricsRecord.CreateStandard());
        }

        AssertSameParameters(started, set);
        Assert.Equal(started.KlBeta, set.KlBeta);
        Assert.NotEqual(DeterminismTests.Flatten(started.Policy.Parameters), DeterminismTests.Flatten(control.Policy.Parameters));
    }
}
