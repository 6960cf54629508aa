using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Checkpoints;

public sealed class TrainedPolicyTests
{
    [Fact]
    public void Load_GaussianWithNormalizer_ActsAsTheLiveAgentAndClipsToTheBox()
    {
        string dir = TempDirectory();
        try
        {
            // A wide initial spread makes many sampled torques fall outside [-2, 2], so clipping is exercised.
            var agent = new Ppo(Gym.MakeVector("Pendulum-v1", 2, seed: 4),
                (SmallPpo with { MinibatchSize = 16 }).With(o => o with { NumSteps = 32, NormalizeObservations = true, Policy = SmallPolicy with { LogStdInit = 1.5 } }));
            agent.Learn(128);
            Checkpoint.Save(agent, dir);
            var policy = TrainedPolicy.Load(dir);
            Assert.Equal("Pendulum-v1", policy.EnvId);
            Assert.Equal("ppo", policy.Algorithm);
            Assert.Equal(agent.Learner.Env.SingleActionSpace, policy.ActionSpace);
            Assert.False(policy.Normalizer!.Training);
            AssertBits(agent.Learner.ObservationNormalizer!.Statistics.Mean.ToArray(), policy.Normalizer.Statistics.Mean.ToArray(), "obs_rms.mean");

            var live = new PolicyActor(agent.Policy, agent.Learner.ObservationNormalizer);
            double[] observations = [0.3, -0.95, 1.7, -1.0, 0.0, -6.5, 0.8, 0.6, 7.9];
            var expected = new double[3];
            live.Act(observations, expected, deterministic: true, rng: null);
            var batched = new double[3];
            policy.Act(observations, batched);
            AssertBits(expected, batched, "deterministic actions");
            AssertBits([expected[1]], policy.Act(observations.AsSpan(3, 3)), "single action");

            var sampledLive = new double[3 * 50];
            var sampledLoaded = new double[3 * 50];
            var many = Enumerable.Repeat(observations, 50).SelectMany(x => x).ToArray();
            live.Act(many, sampledLive, deterministic: false, new Xoshiro256(11));
            policy.Act(many, sampledLoaded, deterministic: false, new Xoshiro256(11));
            AssertBits(sampledLive, sampledLoaded, "sampled actions");
            Assert.All(sampledLoaded, a => Assert.InRange(a, -2.0, 2.0));
            Assert.Contains(sampledLoaded, a => Math.Abs(a) == 2.0);
        }
        finally
        {
            Dispose(dir);
        }
    }

    [Fact]
    public void Load_Discrete_ReturnsAnActionIndexTheEnvAccepts()
    {
        string dir = TempDirectory();
        try
        {
            var agent = PpoCartPole();
            agent.Learn(32);
            Checkpoint.Save(agent, dir);
            var policy = TrainedPolicy.Load(dir);
            Assert.Null(policy.Normalizer);
            var env = Gym.Make("CartPole-v1");
            var obs = env.Reset(seed: 7);
            var action = policy.Act(obs);
            Assert.Single(action);
            Assert.True(((Discrete)policy.ActionSpace).Contains(action[0]));
            env.Step(action);
            Assert.Throws<ArgumentException>(() => policy.Act(new double[3]));
        }
        finally
        {
            Dispose(dir);
        }
    }
}
