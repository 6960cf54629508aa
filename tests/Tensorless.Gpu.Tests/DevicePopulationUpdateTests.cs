using Tensorless.Autodiff.Nn;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu.Tests;

/// <summary>
/// A population's PPO and A2C updates batched on ILGPU's CPU accelerator (<see cref="DevicePopulationUpdate"/>): every member
/// ends each update with the bits of the same member updated alone on the device (<see cref="DeviceActorCriticGradient"/>,
/// its optimizer on the device): parameters, Adam's moments and step count, its generator and its metrics, whatever the
/// other members do (their own learning rates and clip ranges, target-KL stops at different minibatches, a member that
/// diverges).
/// </summary>
public sealed class DevicePopulationUpdateTests
{
    public DevicePopulationUpdateTests() => GpuGradientDevices.Register();

    /// <summary>Member k: seed 11 + k, 4 envs x 16 steps, minibatches of 16 over 3 epochs, its own learning rate, linear schedules.</summary>
    private static Ppo Member(int k, Activation activation, double? targetKl, bool valueFit = false, int minibatch = 16, string env = "CartPole-v1") =>
        new(Gym.MakeVector(env, 4, seed: 11 + (ulong)k, maxEpisodeSteps: 40), new PpoOptions
        {
            OnPolicy = new OnPolicyOptions
            {
                NumEnvs = 4, NumSteps = 16, Seed = 11 + (ulong)k, LearningRate = 3e-3 * (k + 1), MaxGradNorm = 0.5, EntCoef = 0.01,
                LearningRateSchedule = Schedule.Linear,
                TrainValueIterations = valueFit ? 2 : 0, ValueLearningRate = valueFit ? 1e-2 : null,
                Policy = new PolicyOptions { HiddenSizes = [8, 8], Activation = activation },
            },
            MinibatchSize = minibatch,
            NumEpochs = 3,
            ClipRangeSchedule = Schedule.Linear,
            TargetKl = targetKl,
        });

    /// <summary>An A2C member: seed 21 + k, 4 envs x 8 steps, its own learning rate, RMSprop (A2C's default) or Adam.</summary>
    private static A2c A2cMember(int k, Activation activation, bool valueFit, OptimizerKind optimizer = OptimizerKind.RmsProp, string env = "CartPole-v1") =>
        new(Gym.MakeVector(env, 4, seed: 21 + (ulong)k, maxEpisodeSteps: 40), new A2cOptions
        {
            OnPolicy = new OnPolicyOptions
            {
                NumEnvs = 4, NumSteps = 8, Seed = 21 + (ulong)k, LearningRate = 7e-4 * (k + 1), MaxGradNorm = 0.5, EntCoef = 0.01,
                LearningRateSchedule = Schedule.Linear, Optimizer = optimizer,
                TrainValueIterations = valueFit ? 2 : 0, ValueLearningRate = valueFit ? 1e-2 : null,
                Policy = new PolicyOptions { HiddenSizes = [8, 8], Activation = activation },
            },
        });

    private static double[] Bits(IOnPolicyAlgorithm agent) =>
        [.. agent.Policy.Parameters.SelectMany(p => p.Data.ToArray()), .. ((IMinibatchUpdate)agent).UpdateOptimizer.ExportState().OrderBy(e => e.Key, StringComparer.Ordinal).SelectMany(e => e.Value)];

    [Theory]
    [InlineData(Activation.Tanh, false, OptimizerKind.RmsProp, "CartPole-v1")]
    [InlineData(Activation.Relu, true, OptimizerKind.Adam, "CartPole-v1")]
    [InlineData(Activation.Tanh, false, OptimizerKind.RmsProp, "MountainCarContinuous-v0")]
    public void BatchedA2cUpdates_AreEachMembersSoloDeviceBits(Activation activation, bool valueFit, OptimizerKind optimizer, string env)
    {
        var solo = Enumerable.Range(0, 3).Select(k => A2cMember(k, activation, valueFit, optimizer, env)).ToArray();
        var batch = Enumerable.Range(0, 3).Select(k => A2cMember(k, activation, valueFit, optimizer, env)).ToArray();
        UpdateAlongside(solo, batch);
    }

    [Theory]
    [InlineData(Activation.Tanh, null, false, "CartPole-v1")]
    [InlineData(Activation.Relu, 0.0001, false, "CartPole-v1")]
    [InlineData(Activation.Tanh, 0.0001, true, "CartPole-v1")]
    [InlineData(Activation.Tanh, 0.003, false, "Pendulum-v1")]
    public void BatchedUpdates_AreEachMembersSoloDeviceBits(Activation activation, double? targetKl, bool valueFit, string env)
    {
        var solo = Enumerable.Range(0, 3).Select(k => Member(k, activation, targetKl, valueFit, env: env)).ToArray();
        var batch = Enumerable.Range(0, 3).Select(k => Member(k, activation, targetKl, valueFit, env: env)).ToArray();
        var metrics = UpdateAlongside(solo, batch, MetricNames.ApproxKl, "clip_range", "epochs");
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(solo[k].Learner.Rng.GetState(), batch[k].Learner.Rng.GetState()); // the minibatch shuffles drew alike
        }

        if (targetKl is not null)
        {
            var epochs = metrics.Select(m => (long)m["epochs"].AsDouble()).ToArray();
            Assert.True(epochs.Distinct().Count() > 1, $"every member ran as many epochs ({string.Join(", ", epochs)}): the target KL never stopped one member before another");
        }
    }

    /// <summary>
    /// Three updates of <paramref name="solo"/> (each alone on the device) and of <paramref name="batch"/> (the same members
    /// batched, every member at its own progress, so each has its own learning rate and clip range): after each, every
    /// member's parameters, optimizer state and metrics (the common ones and <paramref name="extraMetrics"/>) are its solo
    /// twin's bits. Returns the batch's metrics records of every update.
    /// </summary>
    private static List<MetricsRecord> UpdateAlongside(IOnPolicyAlgorithm[] solo, IOnPolicyAlgorithm[] batch, params string[] extraMetrics)
    {
        int members = solo.Length;
        foreach (var s in solo)
        {
            s.Learner.Device = GradientDevices.Create("ilgpu-cpu", s);
        }

        using var population = (DevicePopulation)GradientDevices.CreatePopulation("ilgpu-cpu", batch)!;
        Assert.Null(population.UpdateUnavailableReason);
        for (int k = 0; k < members; k++)
        {
            batch[k].Learner.RolloutDevice = population.Member(k);
        }

        var all = new List<MetricsRecord>();
        try
        {
            for (int update = 0; update < 3; update++)
            {
                double[] progress = [.. Enumerable.Range(0, members).Select(k => 1.0 - (0.1 * k) - (0.05 * update))];
                var expected = new MetricsRecord[members];
                for (int k = 0; k < members; k++)
                {
                    solo[k].Learner.CollectRollout();
                    expected[k] = MetricsRecord.CreateStandard();
                    solo[k].Update(progress[k], expected[k]);
                }

                population.CollectAll();
                var actual = new MetricsRecord[members];
                for (int k = 0; k < members; k++)
                {
                    batch[k].Learner.CollectRollout();
                    actual[k] = MetricsRecord.CreateStandard();
                }

                var errors = new Exception?[members];
                population.UpdateAll([.. Enumerable.Range(0, members)], progress, actual, errors, threads: 2);
                for (int k = 0; k < members; k++)
                {
                    Assert.Null(errors[k]);
                    Assert.Equal(Bits(solo[k]), Bits(batch[k]));
                    foreach (string name in new[] { MetricNames.PolicyLoss, MetricNames.ValueLoss, MetricNames.Entropy, MetricNames.LearningRate }.Concat(extraMetrics))
                    {
                        Assert.Equal(expected[k][name].AsDouble(), actual[k][name].AsDouble());
                    }
                }

                all.AddRange(actual);
            }
        }
        finally
        {
            foreach (var s in solo)
            {
                s.Learner.Device?.Dispose();
            }
        }

        return all;
    }

    [Fact]
    public void AMemberThatDiverges_EndsAlone_AndTheOthersKeepTheirSoloBits()
    {
        var solo = Member(1, Activation.Relu, null);
        var batch = Enumerable.Range(0, 2).Select(k => Member(k, Activation.Relu, null)).ToArray();
        solo.Learner.Device = GradientDevices.Create("ilgpu-cpu", solo);
        using var population = (DevicePopulation)GradientDevices.CreatePopulation("ilgpu-cpu", batch)!;
        try
        {
            solo.Learner.CollectRollout();
            solo.Update(1.0, MetricsRecord.CreateStandard());
            foreach (var b in batch)
            {
                b.Learner.CollectRollout();
            }

            batch[0].Learner.Buffer.Advantages.Fill(double.NaN); // member 0's loss is NaN
            var errors = new Exception?[2];
            population.UpdateAll([0, 1], [1.0, 1.0], [MetricsRecord.CreateStandard(), MetricsRecord.CreateStandard()], errors);
            Assert.IsType<TrainingDivergedException>(errors[0]);
            Assert.Null(errors[1]);
            Assert.Equal(Bits(solo), Bits(batch[1]));
        }
        finally
        {
            solo.Learner.Device?.Dispose();
        }
    }

    [Fact]
    public void AnUpdateOfSomeMembers_LeavesTheOthersUntouched_AndRefusesAMemberTwice()
    {
        var solo = Member(1, Activation.Relu, null);
        var batch = Enumerable.Range(0, 3).Select(k => Member(k, Activation.Relu, null)).ToArray();
        solo.Learner.Device = GradientDevices.Create("ilgpu-cpu", solo);
        using var population = (DevicePopulation)GradientDevices.CreatePopulation("ilgpu-cpu", batch)!;
        try
        {
            solo.Learner.CollectRollout();
            solo.Update(1.0, MetricsRecord.CreateStandard());
            foreach (var b in batch)
            {
                b.Learner.CollectRollout();
            }

            var before = batch.Select(Bits).ToArray();
            var e = Assert.Throws<ArgumentException>(() => population.UpdateAll([1, 1], [1.0, 1.0], [MetricsRecord.CreateStandard(), MetricsRecord.CreateStandard()], new Exception?[2]));
            Assert.Contains("distinct", e.Message, StringComparison.Ordinal);
            Assert.Throws<ArgumentException>(() => population.UpdateAll([3], [1.0], [MetricsRecord.CreateStandard()], new Exception?[1]));

            var errors = new Exception?[] { new InvalidOperationException("left over from an earlier call") };
            population.UpdateAll([1], [1.0], [MetricsRecord.CreateStandard()], errors);
            Assert.Null(errors[0]);
            Assert.Equal(Bits(solo), Bits(batch[1]));
            Assert.Equal(before[0], Bits(batch[0]));
            Assert.Equal(before[2], Bits(batch[2]));
        }
        finally
        {
            solo.Learner.Device?.Dispose();
        }
    }

    [Fact]
    public void MembersTheBatchCannotServe_SayWhy_AndKeepTheirRolloutsOnTheDevice()
    {
        var a = Member(0, Activation.Tanh, null);
        var b = Member(1, Activation.Tanh, null, minibatch: 32);
        using (var population = (DevicePopulation)GradientDevices.CreatePopulation("ilgpu-cpu", [a, b])!)
        {
            Assert.Contains("minibatch_size", population.UpdateUnavailableReason, StringComparison.Ordinal);
            var e = Assert.Throws<InvalidOperationException>(() => population.UpdateAll([0], [1.0], [MetricsRecord.CreateStandard()], new Exception?[1]));
            Assert.Contains("minibatch_size", e.Message, StringComparison.Ordinal);
        }

        // an A2C member whose rollout matches the PPO member's (the batched rollout serves both; the update does not mix them)
        var a2c = new A2c(Gym.MakeVector("CartPole-v1", 4, seed: 21, maxEpisodeSteps: 40), new A2cOptions
        {
            OnPolicy = new OnPolicyOptions { NumEnvs = 4, NumSteps = 16, Seed = 21, Policy = new PolicyOptions { HiddenSizes = [8, 8], Activation = Activation.Tanh } },
        });
        using (var mixed = (DevicePopulation)GradientDevices.CreatePopulation("ilgpu-cpu", [Member(0, Activation.Tanh, null), a2c])!)
        {
            Assert.Contains("every member to run one algorithm", mixed.UpdateUnavailableReason, StringComparison.Ordinal);
        }

        var trpo = new Trpo(Gym.MakeVector("CartPole-v1", 4, seed: 1), new TrpoOptions { OnPolicy = new OnPolicyOptions { NumEnvs = 4, NumSteps = 16, Seed = 1 }, MinibatchSize = 64 });
        using var other = (DevicePopulation)GradientDevices.CreatePopulation("ilgpu-cpu", [trpo])!;
        Assert.Contains("serves PPO and A2C members, not trpo", other.UpdateUnavailableReason, StringComparison.Ordinal);
    }
}
