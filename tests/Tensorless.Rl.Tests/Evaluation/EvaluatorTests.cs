using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Tests.Checkpoints;

namespace Tensorless.Rl.Tests.Evaluation;

public sealed class EvaluatorTests
{
    /// <summary>A hand-written controller that always pushes the cart left (action 0).</summary>
    private sealed class AlwaysLeft : IActingPolicy
    {
        public Space ObservationSpace { get; } = Gym.Spec("CartPole-v1").ObservationSpace;

        public Space ActionSpace { get; } = new Discrete(2);

        public void Act(ReadOnlySpan<double> observations, Span<double> actions, bool deterministic, Xoshiro256? rng) => actions.Clear();
    }

    /// <summary>CartPole-v1 that starts every episode at rest, upright (state 0, 0, 0, 0), whatever the seed.</summary>
    private sealed class UprightCartPole : IEnv
    {
        private readonly IEnv _inner = Gym.Make("CartPole-v1");

        public string Id => _inner.Id;

        public Space ObservationSpace => _inner.ObservationSpace;

        public Space ActionSpace => _inner.ActionSpace;

        public int? MaxEpisodeSteps => _inner.MaxEpisodeSteps;

        public void Reset(Span<double> observation, ulong? seed = null) => ((IStatefulEnv)_inner).SetState(new double[4], observation);

        public StepResult Step(ReadOnlySpan<double> action, Span<double> observation) => _inner.Step(action, observation);
    }

    /// <summary>Steps until |theta| &gt; 12 degrees or |x| &gt; 2.4 under a constant -10 N push (Gymnasium's CartPole equations).</summary>
    private static int StepsToFallPushingLeft()
    {
        double x = 0, xDot = 0, theta = 0, thetaDot = 0;
        const double g = 9.8, massPole = 0.1, totalMass = 1.1, length = 0.5, poleMassLength = 0.05, tau = 0.02;
        for (int steps = 1; ; steps++)
        {
            double cos = Math.Cos(theta), sin = Math.Sin(theta);
            double temp = (-10.0 + (poleMassLength * thetaDot * thetaDot * sin)) / totalMass;
            double thetaAcc = ((g * sin) - (cos * temp)) / (length * ((4.0 / 3.0) - (massPole * cos * cos / totalMass)));
            double xAcc = temp - (poleMassLength * thetaAcc * cos / totalMass);
            x += tau * xDot;
            xDot += tau * xAcc;
            theta += tau * thetaDot;
            thetaDot += tau * thetaAcc;
            if (Math.Abs(x) > 2.4 || Math.Abs(theta) > 12 * 2 * Math.PI / 360)
            {
                return steps;
            }
        }
    }

    [Fact]
    public void Evaluate_AlwaysLeftFromRest_TerminatesWhenThePhysicsSays()
    {
        int expected = StepsToFallPushingLeft();
        var result = Evaluator.Evaluate(new AlwaysLeft(), new UprightCartPole(), new EvaluationOptions { Episodes = 3, SuccessThreshold = expected });
        Assert.Equal(3, result.Episodes);
        Assert.All(result.Lengths, l => Assert.Equal(expected, l));
        Assert.Equal(expected, result.MeanReturn);
        Assert.Equal(0, result.StdReturn);
        Assert.Equal(1.0, result.SuccessRate);
        var harder = Evaluator.Evaluate(new AlwaysLeft(), new UprightCartPole(), new EvaluationOptions { Episodes = 1, SuccessThreshold = expected + 1 });
        Assert.Equal(0.0, harder.SuccessRate);
    }

    [Fact]
    public void Evaluate_SeedsEpisodeIWithSeedPlusI()
    {
        var result = Evaluator.Evaluate(new AlwaysLeft(), "CartPole-v1", new EvaluationOptions { Episodes = 4, Seed = 20 });
        var env = Gym.Make("CartPole-v1");
        for (int i = 0; i < 4; i++)
        {
            env.Reset(seed: 20UL + (ulong)i);
            int length = 1;
            while (env.Step(0) is { Terminated: false, Truncated: false })
            {
                length++;
            }

            Assert.Equal(length, result.Lengths[i]);
            Assert.Equal(length, result.Returns[i]);
        }

        Assert.Null(result.SuccessRate);
    }

    [Fact]
    public void Evaluate_StochasticWithSeed_IsReproducibleAndLeavesTheAgentAlone()
    {
        var agent = new Ppo(Gym.MakeVector("Pendulum-v1", 2, seed: 1),
            (CheckpointTestKit.SmallPpo with { MinibatchSize = 16 }).With(o => o with { NumSteps = 32, NormalizeObservations = true }));
        agent.Learn(64);
        var rng = agent.Learner.Rng.GetState();
        var mean = agent.Learner.ObservationNormalizer!.Statistics.Mean.ToArray();
        var options = new EvaluationOptions { Episodes = 2, Deterministic = false, Seed = 3, MaxEpisodeSteps = 50 };
        var first = Evaluator.Evaluate(agent, options);
        var second = Evaluator.Evaluate(agent, options);
        var other = Evaluator.Evaluate(agent, options with { Seed = 4 });
        Assert.Equal(first.Returns, second.Returns);
        Assert.NotEqual(first.Returns, other.Returns);
        Assert.All(first.Lengths, l => Assert.Equal(50, l));
        Assert.Equal(rng, agent.Learner.Rng.GetState());
        CheckpointTestKit.AssertBits(mean, agent.Learner.ObservationNormalizer.Statistics.Mean.ToArray(), "normaliser untouched");

        string dir = CheckpointTestKit.TempDirectory();
        try
        {
            Checkpoint.Save(agent, dir);
            var loaded = Evaluator.Evaluate(TrainedPolicy.Load(dir), options);
            Assert.Equal(first.Returns, loaded.Returns);
            Assert.Equal(Evaluator.Evaluate(agent, options with { Deterministic = true }).Returns,
                Evaluator.Evaluate(TrainedPolicy.Load(dir), options with { Deterministic = true }).Returns);
        }
        finally
        {
            CheckpointTestKit.Dispose(dir);
        }
    }

    [Fact]
    public void Evaluate_TrainingEnvWithOverriddenTimeLimit_EvaluatesUnderThatLimit()
    {
        // Pendulum never terminates, so every episode lasts exactly the time limit: 37 here, not the registry's 200,
        // for the live agent, for a policy loaded from its checkpoint, and for a run resumed from it
        var agent = new Ppo(Gym.MakeVector("Pendulum-v1", 2, seed: 1, maxEpisodeSteps: 37),
            (CheckpointTestKit.SmallPpo with { MinibatchSize = 16 }).With(o => o with { NumSteps = 32 }));
        agent.Learn(64);
        Assert.Equal(37, agent.Learner.Env.MaxEpisodeSteps);
        var options = new EvaluationOptions { Episodes = 2 };
        Assert.All(Evaluator.Evaluate(agent, options).Lengths, l => Assert.Equal(37, l));

        string dir = CheckpointTestKit.TempDirectory();
        try
        {
            Checkpoint.Save(agent, dir);
            var loaded = TrainedPolicy.Load(dir);
            Assert.Equal(37, loaded.MaxEpisodeSteps);
            Assert.All(Evaluator.Evaluate(loaded, options).Lengths, l => Assert.Equal(37, l));
            var resumed = Checkpoint.Resume(dir);
            Assert.Equal(37, resumed.Learner.Env.MaxEpisodeSteps);
            resumed.Dispose();
        }
        finally
        {
            CheckpointTestKit.Dispose(dir);
            agent.Dispose();
        }
    }

    [Fact]
    public void TrainedPolicy_ConfigWithoutTimeLimit_LoadsWithTheRegistryLimit()
    {
        // config.json files written before the field existed have no max_episode_steps: they load, with the registry's limit
        var agent = new Ppo(Gym.MakeVector("Pendulum-v1", 2, seed: 1), (CheckpointTestKit.SmallPpo with { MinibatchSize = 16 }).With(o => o with { NumSteps = 32 }));
        string dir = CheckpointTestKit.TempDirectory();
        try
        {
            Checkpoint.Save(agent, dir);
            string path = Path.Combine(dir, "config.json");
            var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))!.AsObject();
            Assert.True(json.Remove("max_episode_steps"));
            File.WriteAllText(path, json.ToJsonString());
            var loaded = TrainedPolicy.Load(dir);
            Assert.Null(loaded.MaxEpisodeSteps);
            Assert.All(Evaluator.Evaluate(loaded, new EvaluationOptions { Episodes = 1 }).Lengths, l => Assert.Equal(200, l));
        }
        finally
        {
            CheckpointTestKit.Dispose(dir);
            agent.Dispose();
        }
    }

    [Fact]
    public void EvaluationResult_UsesThePopulationStandardDeviation()
    {
        var result = new EvaluationResult([1.0, 2.0, 3.0, 4.0], [10, 20, 30, 40], successThreshold: 3.0);
        Assert.Equal(2.5, result.MeanReturn);
        Assert.Equal(Math.Sqrt(1.25), result.StdReturn);
        Assert.Equal(1.0, result.MinReturn);
        Assert.Equal(4.0, result.MaxReturn);
        Assert.Equal(25.0, result.MeanLength);
        Assert.Equal(0.5, result.SuccessRate);
    }

    [Fact]
    public void Evaluate_InvalidOptionsOrMismatchedEnv_Throws()
    {
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(new AlwaysLeft(), "CartPole-v1", new EvaluationOptions { Episodes = 0 }));
        Assert.Throws<ArgumentException>(() => Evaluator.Evaluate(new AlwaysLeft(), "Acrobot-v1"));
    }
}
