using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Training;

public class RolloutCollectorTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Collect_TruncatedSteps_BootstrapFromValueOfTheEnvsRealFinalObservation(bool normalise)
    {
        // the expected bootstrap is computed from what the env itself reported as the final observation at that step
        // (normalised with the statistics of that moment), not from the buffer's own copy of it
        var spec = Gym.Spec("CartPole-v1");
        var normalizer = normalise ? new ObservationNormalizer(4) : null;
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(3));
        var tape = new Tape(recording: false);
        var expected = new List<double>();
        var row = new double[4];
        var value = new double[1];
        var env = new WrappedVectorEnv(Gym.MakeVector("CartPole-v1", 3, seed: 2, maxEpisodeSteps: 5))
        {
            AfterStep = (truncated, hasFinal, final) =>
            {
                for (int i = 0; i < truncated.Length; i++)
                {
                    if (truncated[i])
                    {
                        Assert.True(hasFinal[i]);
                        if (normalizer is null)
                        {
                            final.Slice(i * 4, 4).CopyTo(row);
                        }
                        else
                        {
                            normalizer.NormalizeWithoutUpdate(final.Slice(i * 4, 4), row);
                        }

                        tape.Reset();
                        policy.PredictValues(tape, row, 1, value);
                        expected.Add(value[0]);
                    }
                }
            },
        };
        var buffer = new RolloutBuffer(12, 3, 4, 1);
        var collector = new RolloutCollector(env, 12, normalizer, null);
        collector.Start(2);
        collector.Collect(policy, buffer, new Xoshiro256(4), AdvantageEstimator.Gae, 0.99, 0.95, 1);

        var actual = new List<double>();
        for (int k = 0; k < 36; k++)
        {
            if (buffer.Truncated[k])
            {
                actual.Add(buffer.TruncationValues[k]);
            }
        }

        Assert.Equal(6, expected.Count); // steps 5 and 10 of each of the 3 envs, in step-major order like the buffer
        Assert.Equal(expected, actual);
        Assert.All(actual, v => Assert.NotEqual(0.0, v));
    }

    [Fact]
    public void Collect_UserEnvTruncatesWithoutFinalObservation_ThrowsNamingTheEnv()
    {
        var inner = Gym.MakeVector("CartPole-v1", 2, seed: 2, maxEpisodeSteps: 3);
        var env = new WrappedVectorEnv(inner) { HideFinalObservations = true };
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(3));
        var collector = new RolloutCollector(env, 8, null, null);
        collector.Start(2);
        var error = Assert.Throws<InvalidOperationException>(() =>
            collector.Collect(policy, new RolloutBuffer(8, 2, 4, 1), new Xoshiro256(4), AdvantageEstimator.Gae, 0.99, 0.95, 1));
        Assert.Contains("Wrapped-CartPole-v1", error.Message);
        Assert.Contains("HasFinalObservation", error.Message);
    }

    [Fact]
    public void Collect_UserEnvWithoutFinalObservationFlags_ThrowsNamingTheEnv()
    {
        var env = new WrappedVectorEnv(Gym.MakeVector("CartPole-v1", 2, seed: 2)) { EmptyFlags = true };
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(3));
        var collector = new RolloutCollector(env, 4, null, null);
        collector.Start(2);
        var error = Assert.Throws<InvalidOperationException>(() =>
            collector.Collect(policy, new RolloutBuffer(4, 2, 4, 1), new Xoshiro256(4), AdvantageEstimator.Gae, 0.99, 0.95, 1));
        Assert.Contains("Wrapped-CartPole-v1", error.Message);
    }

    [Fact]
    public void Collect_LastValues_AreValuesOfTheNextObservations()
    {
        var env = Gym.MakeVector("CartPole-v1", 2, seed: 7);
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(3));
        var buffer = new RolloutBuffer(4, 2, 4, 1);
        var collector = new RolloutCollector(env, 4, null, null);
        collector.Start(7);
        collector.Collect(policy, buffer, new Xoshiro256(1), AdvantageEstimator.Gae, 0.99, 0.95, 1);
        var expected = new double[2];
        policy.PredictValues(new Tape(recording: false), collector.CurrentObservations, 2, expected);
        Assert.Equal(expected, buffer.LastValues.ToArray());
    }

    [Fact]
    public void Collect_BoxActions_StoredUnclippedButSentClipped()
    {
        // log-std 3 makes most samples fall far outside the [-1, 1] box
        var envs = new[] { new RecordingEnv(), new RecordingEnv() };
        var env = new SyncVectorEnv(envs, seed: 1);
        var policy = new ActorCriticPolicy(envs[0].ObservationSpace, envs[0].ActionSpace, new PolicyOptions { LogStdInit = 3 }, new Xoshiro256(3));
        var buffer = new RolloutBuffer(16, 2, 1, 1);
        var collector = new RolloutCollector(env, 16, null, null);
        collector.Start(1);
        collector.Collect(policy, buffer, new Xoshiro256(1), AdvantageEstimator.Gae, 0.99, 0.95, 1);
        Assert.Contains(buffer.Actions.ToArray(), a => Math.Abs(a) > 1);
        Assert.All(envs, e => Assert.InRange(e.LargestAction, 0.5, 1.0));

        // the stored log-probability is that of the stored (unclipped) sample, which PPO's ratio re-scores; the log-prob
        // of the clipped action the env saw differs wherever clipping moved the sample
        var tape = new Tape(recording: false);
        var obs = tape.Constant(buffer.Observations, 32, 1);
        var unclipped = policy.Evaluate(tape, obs, tape.Constant(buffer.Actions, 32, 1), withValue: false).LogProb.Data.ToArray();
        var clippedActions = buffer.Actions.ToArray().Select(a => Math.Clamp(a, -1.0, 1.0)).ToArray();
        var clipped = policy.Evaluate(tape, obs, tape.Constant(clippedActions, 32, 1), withValue: false).LogProb.Data.ToArray();
        for (int k = 0; k < 32; k++)
        {
            Assert.Equal(unclipped[k], buffer.LogProbs[k], 1e-12);
            if (Math.Abs(buffer.Actions[k]) > 1)
            {
                Assert.NotEqual(clipped[k], buffer.LogProbs[k], 1e-6);
            }
        }
    }

    /// <summary>A one-dimensional env that records the largest |action| it was sent and never checks bounds itself.</summary>
    private sealed class RecordingEnv : IEnv
    {
        public double LargestAction { get; private set; }

        public string Id => "Recording-v0";

        public Space ObservationSpace { get; } = new Box([-1.0], [1.0], [1]);

        public Space ActionSpace { get; } = new Box([-1.0], [1.0], [1]);

        public int? MaxEpisodeSteps => null;

        public void Reset(Span<double> observation, ulong? seed = null) => observation[0] = 0;

        public StepResult Step(ReadOnlySpan<double> action, Span<double> observation)
        {
            LargestAction = Math.Max(LargestAction, Math.Abs(action[0]));
            observation[0] = 0;
            return new StepResult(0, false, false);
        }
    }
}
