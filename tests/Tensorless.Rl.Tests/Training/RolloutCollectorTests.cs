using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Training;

public class RolloutCollectorTests
{
    [Fact]
    public void Collect_TruncatedSteps_BootstrapFromValueOfFinalObservation()
    {
        // CartPole with a 5-step limit truncates (never terminates that early from a small start) inside the rollout
        var env = Gym.MakeVector("CartPole-v1", 3, seed: 2, maxEpisodeSteps: 5);
        var spec = Gym.Spec("CartPole-v1");
        var policy = new ActorCriticPolicy(spec.ObservationSpace, spec.ActionSpace, new PolicyOptions(), new Xoshiro256(3));
        var buffer = new RolloutBuffer(12, 3, 4, 1);
        var collector = new RolloutCollector(env, 12, null, null);
        collector.Start(2);
        collector.Collect(policy, buffer, new Xoshiro256(4), AdvantageEstimator.Gae, 0.99, 0.95, 1);

        int truncations = 0;
        var tape = new Tape(recording: false);
        var value = new double[1];
        for (int k = 0; k < 36; k++)
        {
            if (!buffer.Truncated[k] || buffer.Terminated[k])
            {
                continue;
            }

            truncations++;
            policy.PredictValues(tape, buffer.FinalObservations.Slice(k * 4, 4), 1, value);
            Assert.Equal(value[0], buffer.TruncationValues[k]);
        }

        Assert.Equal(6, truncations); // steps 5 and 10 of each of the 3 envs
        Assert.Equal(36, collector.Episodes.EnvSteps);
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
