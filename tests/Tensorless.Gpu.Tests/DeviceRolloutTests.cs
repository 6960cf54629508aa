using Tensorless.Autodiff.Nn;
using Tensorless.Envs;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;
using Xunit.Abstractions;

namespace Tensorless.Gpu.Tests;

/// <summary>
/// Rollouts on ILGPU's CPU accelerator (<see cref="DeviceRollout"/>) against the CPU's <see cref="RolloutCollector"/>:
/// with relu networks (whose device forward pass is the CPU's bits) every array of the rollout, the envs' snapshot
/// (states, step counts, generators, final observations) and the learner's generator come out bit-identical, rollout
/// after rollout (the parameters updated on the CPU in between), for every built-in env.
/// </summary>
public sealed class DeviceRolloutTests
{
    private readonly ITestOutputHelper _output;

    public DeviceRolloutTests(ITestOutputHelper output)
    {
        _output = output;
        GpuGradientDevices.Register();
    }

    /// <summary>6 envs x 24 steps with a time limit of <paramref name="limit"/>, so episodes end by truncation inside a rollout.</summary>
    private static Ppo SmallPpo(string env, int limit, AdvantageEstimator estimator = AdvantageEstimator.Gae, bool normalize = false, int width = 8) =>
        new(Gym.MakeVector(env, 6, seed: 11, maxEpisodeSteps: limit), new PpoOptions
        {
            OnPolicy = new OnPolicyOptions
            {
                NumEnvs = 6, NumSteps = 24, Seed = 11, EntCoef = 0.01, LearningRate = 3e-3, MaxGradNorm = 0.5, AdvantageEstimator = estimator,
                GaeLambda = 0.9, Gamma = 0.97, NormalizeObservations = normalize,
                Policy = new PolicyOptions { HiddenSizes = [width, width], Activation = Activation.Relu },
            },
            MinibatchSize = 48,
            NumEpochs = 2,
        });

    [Theory]
    [InlineData("CartPole-v1", 30)]
    [InlineData("Acrobot-v1", 20)]
    [InlineData("MountainCar-v0", 17)]
    [InlineData("Pendulum-v1", 10)]
    [InlineData("MountainCarContinuous-v0", 13)]
    [InlineData("CartPoleSwingUp-v0", 15)]
    public void Rollouts_OnTheCpuAccelerator_AreTheCpusBits(string env, int limit)
    {
        using var cpu = SmallPpo(env, limit);
        using var device = SmallPpo(env, limit);
        AssertSameRollouts(cpu, device, env, updates: 3);
    }

    [Fact]
    public void Rollouts_OfTheDefault64x64Network_AreTheCpusBits()
    {
        using var cpu = SmallPpo("CartPole-v1", 30, width: 64);
        using var device = SmallPpo("CartPole-v1", 30, width: 64);
        AssertSameRollouts(cpu, device, "CartPole-v1 64x64", updates: 2);
    }

    [Fact]
    public void ACollectAskingForOtherAdvantages_LeavesThemToTheCpu()
    {
        using var agent = SmallPpo("CartPole-v1", 30);
        using var gradient = GradientDevices.Create("ilgpu-cpu", agent)!;
        agent.Learner.EnsureStarted();
        var observations = agent.Learner.Collector.CurrentObservations.ToArray();
        var rollout = gradient.Rollout!;
        Assert.False(rollout.Collect(agent.Policy, agent.Learner.Buffer, agent.Learner.Rng, observations, AdvantageEstimator.MonteCarlo, 0.97, 0.9));
        Assert.False(rollout.Collect(agent.Policy, agent.Learner.Buffer, agent.Learner.Rng, observations, AdvantageEstimator.Gae, 0.97, 0.5));
        Assert.True(rollout.Collect(agent.Policy, agent.Learner.Buffer, agent.Learner.Rng, observations, AdvantageEstimator.Gae, 0.97, 0.9));
    }

    [Fact]
    public void ANonFinitePolicy_FailsAsOnTheCpu_AndLeavesTheEnvsAlone()
    {
        using var cpu = SmallPpo("CartPole-v1", 30);
        using var device = SmallPpo("CartPole-v1", 30);
        device.Learner.Device = GradientDevices.Create("ilgpu-cpu", device);
        try
        {
            foreach (var agent in new[] { cpu, device })
            {
                agent.Learner.EnsureStarted();
                agent.Policy.ActorLayers[^1].Bias!.Data[0] = double.NaN;
            }

            Assert.Throws<ArgumentException>(cpu.Learner.CollectRollout);
            var before = ((ISnapshotVectorEnv)device.Learner.Env).SaveSnapshot();
            var e = Assert.Throws<ArgumentException>(device.Learner.CollectRollout);
            Assert.Contains("non-finite log-probability", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, ((ISnapshotVectorEnv)device.Learner.Env).SaveSnapshot());
        }
        finally
        {
            device.Learner.Device?.Dispose();
            device.Learner.Device = null;
        }
    }

    [Theory]
    [InlineData(AdvantageEstimator.MonteCarlo)]
    [InlineData(AdvantageEstimator.NStep)]
    public void Rollouts_WithAnotherEstimator_LeaveTheAdvantagesToTheCpu(AdvantageEstimator estimator)
    {
        using var cpu = SmallPpo("CartPole-v1", 20, estimator);
        using var device = SmallPpo("CartPole-v1", 20, estimator);
        AssertSameRollouts(cpu, device, $"CartPole {estimator}", updates: 2);
    }

    [Fact]
    public void ARunThatNormalisesObservations_CollectsOnTheCpu_AndSaysWhy()
    {
        using var agent = SmallPpo("CartPole-v1", 500, normalize: true);
        using var gradient = GradientDevices.Create("ilgpu-cpu", agent)!;
        Assert.Null(gradient.Rollout);
        Assert.Contains("normalize_observations=false", gradient.RolloutUnavailableReason, StringComparison.Ordinal);
        agent.Learner.Device = gradient;
        agent.Learner.CollectRollout(); // on the CPU: the gradient device still serves the update
        Assert.True(agent.Update(1.0, MetricsRecord.CreateStandard()));
        agent.Learner.Device = null;
    }

    [Fact]
    public void TheDeviceRollout_RefusesAnotherLearnersBuffer()
    {
        using var agent = SmallPpo("CartPole-v1", 500);
        using var gradient = GradientDevices.Create("ilgpu-cpu", agent)!;
        agent.Learner.CollectRollout(); // resets the envs
        var other = new RolloutBuffer(24, 6, 4, 1);
        var observations = new double[6 * 4];
        var e = Assert.Throws<ArgumentException>(() => gradient.Rollout!.Collect(agent.Policy, other, agent.Learner.Rng, observations, AdvantageEstimator.Gae, 0.99, 0.95));
        Assert.Contains("another learner", e.Message, StringComparison.Ordinal);
    }

    private void AssertSameRollouts(Ppo cpu, Ppo device, string context, int updates)
    {
        device.Learner.Device = GradientDevices.Create("ilgpu-cpu", device);
        try
        {
            Assert.NotNull(device.Learner.Device!.Rollout);
            int truncations = 0, terminations = 0;
            for (int update = 0; update < updates; update++)
            {
                cpu.Learner.CollectRollout();
                device.Learner.CollectRollout();
                AssertSameRollout(cpu, device, $"{context}, rollout {update}");
                truncations += cpu.Learner.Buffer.CountTruncated();
                terminations += cpu.Learner.Buffer.Terminated.ToArray().Count(x => x);
                cpu.Update(1.0, MetricsRecord.CreateStandard());
                CopyLearner(cpu, device);
            }

            _output.WriteLine($"{context}: {updates} rollouts bit-identical, {truncations} truncations and {terminations} terminations among them");
            Assert.True(truncations > 0, $"{context}: no episode was truncated, so the bootstrap went untested");
        }
        finally
        {
            device.Learner.Device?.Dispose();
            device.Learner.Device = null;
        }
    }

    /// <summary>
    /// Every array of the last rollouts of <paramref name="cpu"/> and <paramref name="device"/>, their envs' snapshots,
    /// generators, current observations and episode statistics: the same bits.
    /// </summary>
    internal static void AssertSameRollout(IOnPolicyAlgorithm cpu, IOnPolicyAlgorithm device, string at)
    {
        var a = cpu.Learner.Buffer;
        var b = device.Learner.Buffer;
        AssertBits(a.Observations, b.Observations, at + ": observations");
        AssertBits(a.Actions, b.Actions, at + ": actions");
        AssertBits(a.Rewards, b.Rewards, at + ": rewards");
        Assert.True(a.Terminated.SequenceEqual(b.Terminated), at + ": terminated");
        Assert.True(a.Truncated.SequenceEqual(b.Truncated), at + ": truncated");
        AssertBits(a.Values, b.Values, at + ": values");
        AssertBits(a.LogProbs, b.LogProbs, at + ": log-probabilities");
        AssertBits(a.FinalObservations, b.FinalObservations, at + ": final observations");
        AssertBits(a.TruncationValues, b.TruncationValues, at + ": truncation values");
        AssertBits(a.LastObservations, b.LastObservations, at + ": last observations");
        AssertBits(a.LastValues, b.LastValues, at + ": last values");
        AssertBits(a.Advantages, b.Advantages, at + ": advantages");
        AssertBits(a.Returns, b.Returns, at + ": returns");
        AssertBits(cpu.Learner.Collector.CurrentObservations, device.Learner.Collector.CurrentObservations, at + ": current observations");
        Assert.Equal(((ISnapshotVectorEnv)cpu.Learner.Env).SaveSnapshot(), ((ISnapshotVectorEnv)device.Learner.Env).SaveSnapshot());
        Assert.Equal(State(cpu.Learner.Rng), State(device.Learner.Rng));
        Assert.Equal(cpu.Learner.Collector.EnvSteps, device.Learner.Collector.EnvSteps);
        Assert.Equal(cpu.Learner.Collector.Episodes.EpisodeCount, device.Learner.Collector.Episodes.EpisodeCount);
        Assert.Equal(cpu.Learner.Collector.Episodes.MeanReturn, device.Learner.Collector.Episodes.MeanReturn);
    }

    /// <summary>
    /// Gives <paramref name="device"/> the parameters and generator <paramref name="cpu"/> has after its update, so the next
    /// rollouts start equal (the update is the CPU's for both: the device update's clipping sums in another order, within
    /// 1e-12 but not always the same bits, DeviceActorCriticGradientTests).
    /// </summary>
    internal static void CopyLearner(IOnPolicyAlgorithm cpu, IOnPolicyAlgorithm device)
    {
        foreach (var (from, to) in cpu.Policy.Parameters.Zip(device.Policy.Parameters))
        {
            from.Data.CopyTo(to.Data);
        }

        device.Learner.Rng.SetState(State(cpu.Learner.Rng)); // the update's shuffles drew from it
    }

    internal static ulong[] State(Tensorless.Autodiff.Xoshiro256 rng)
    {
        var words = new ulong[4];
        rng.GetState(words);
        return words;
    }

    internal static void AssertBits(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.DoubleToInt64Bits(expected[i]) != BitConverter.DoubleToInt64Bits(actual[i]))
            {
                Assert.Fail($"{what}: element {i} is {actual[i]:R} on the device, {expected[i]:R} on the CPU");
            }
        }
    }
}
