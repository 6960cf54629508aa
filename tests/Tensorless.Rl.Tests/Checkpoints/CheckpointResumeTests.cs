using Tensorless.Autodiff.Serialization;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Options;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Checkpoints;

public sealed class CheckpointResumeTests
{
    public static TheoryData<string> Cases() => ["ppo-cartpole", "ppo-cartpole-adaptive-kl", "a2c-cartpole-linear-lr", "ppo-pendulum-normalized", "a2c-pendulum-normalized"];

    private static (Func<IOnPolicyAlgorithm> Make, long First, long Total) Case(string name) => name switch
    {
        "ppo-cartpole" => (() => PpoCartPole(), 64, 160),
        "ppo-cartpole-adaptive-kl" => (() => PpoCartPole(SmallPpo with { PolicyObjective = PolicyObjective.AdaptiveKlPenalty }), 64, 128),
        "a2c-cartpole-linear-lr" => (() => new A2c(Gym.MakeVector("CartPole-v1", 3, seed: 1), SmallA2c.With(o => o with { LearningRateSchedule = Schedule.Linear })), 150, 300),
        // Two envs x 64 steps: the 200-step time limit truncates inside the resumed part, so final observations and
        // bootstrapping cross the save; normalised observations and rewards exercise every running statistic.
        "ppo-pendulum-normalized" => (() => new Ppo(Gym.MakeVector("Pendulum-v1", 2, seed: 5),
            (SmallPpo with { MinibatchSize = 32 }).With(o => o with { NumSteps = 64, NormalizeObservations = true, NormalizeRewards = true })), 384, 640),
        "a2c-pendulum-normalized" => (() => new A2c(Gym.MakeVector("Pendulum-v1", 2, seed: 5),
            SmallA2c.With(o => o with { NumSteps = 20, NormalizeObservations = true, NormalizeRewards = true, Optimizer = OptimizerKind.Adam })), 360, 480),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resume_ThenTrainMore_MatchesUninterruptedRunBitForBit(string name)
    {
        var (make, first, total) = Case(name);
        string dir = TempDirectory();
        try
        {
            var interrupted = make();
            interrupted.Learn(first);
            Checkpoint.Save(interrupted, dir);
            var resumed = Checkpoint.Resume(dir);
            Assert.Equal(interrupted.Learner.Progress.EnvSteps, resumed.Learner.Progress.EnvSteps);
            Assert.Equal(interrupted.Learner.Progress.Updates, resumed.Learner.Progress.Updates);

            interrupted.Learn(total);
            resumed.Learn(total);
            AssertSameParameters(interrupted, resumed);
            Assert.Equal(interrupted.Learner.Progress.EnvSteps, resumed.Learner.Progress.EnvSteps);
            var episodes = interrupted.Learner.Progress.Episodes;
            Assert.True(episodes.EpisodeCount > 0, "the run should finish episodes on both sides of the save");
            Assert.Equal(episodes.EpisodeCount, resumed.Learner.Progress.Episodes.EpisodeCount);
            Assert.Equal(episodes.History, resumed.Learner.Progress.Episodes.History);
            Assert.Equal(episodes.MeanReturn, resumed.Learner.Progress.Episodes.MeanReturn);

            // Everything else (optimizer moments, normalisers, observations, generator) also ended up identical.
            string a = Path.Combine(dir, "a"), b = Path.Combine(dir, "b");
            Checkpoint.Save(interrupted, a);
            Checkpoint.Save(resumed, b);
            AssertSameTensors(Safetensors.Load(Path.Combine(a, Checkpoint.ModelFileName)), Safetensors.Load(Path.Combine(b, Checkpoint.ModelFileName)));
            Assert.Equal(interrupted.Learner.Rng.GetState(), resumed.Learner.Rng.GetState());
        }
        finally
        {
            Dispose(dir);
        }
    }

    [Fact]
    public void Resume_WallSeconds_StayCumulative()
    {
        string dir = TempDirectory();
        try
        {
            var first = PpoCartPole();
            first.Learn(64);
            double before = first.Learner.Progress.WallSeconds;
            Assert.True(before > 0);
            Checkpoint.Save(first, dir);
            var resumed = Checkpoint.Resume(dir);
            Assert.Equal(before, resumed.Learner.Progress.WallSeconds);
            resumed.Learn(128);
            Assert.True(resumed.Learner.Progress.WallSeconds > before, "the resumed run's wall time must add to the saved one");
        }
        finally
        {
            Dispose(dir);
        }
    }

    [Fact]
    public void Resume_WithConstantSchedules_MatchesOneLearnCallOverTheWholeBudget()
    {
        string dir = TempDirectory();
        try
        {
            var straight = PpoCartPole();
            straight.Learn(160);
            var first = PpoCartPole();
            first.Learn(64);
            Checkpoint.Save(first, dir);
            var resumed = Checkpoint.Resume(dir);
            resumed.Learn(160);
            AssertSameParameters(straight, resumed);
        }
        finally
        {
            Dispose(dir);
        }
    }

    [Fact]
    public void Save_WritesPyTorchNamesShapesAndConfig()
    {
        string dir = TempDirectory();
        try
        {
            var agent = PpoCartPole();
            agent.Learn(32);
            Checkpoint.Save(agent, dir);
            var file = Safetensors.Load(Path.Combine(dir, Checkpoint.ModelFileName));
            Assert.Equal([8, 4], file["actor.0.weight"].Shape);
            Assert.Equal([8], file["actor.0.bias"].Shape);
            Assert.Equal([2, 8], file["actor.4.weight"].Shape);
            Assert.Equal([8, 4], file["optimizer.exp_avg.actor.0.weight"].Shape);
            Assert.Equal((double)agent.Optimizers[0].Optimizer.StepCount, file["optimizer.step"].Data[0]);
            AssertBits(agent.Policy.Parameters["critic.0.weight"].Data.ToArray(), file["critic.0.weight"].Data, "critic.0.weight");

            string json = File.ReadAllText(Path.Combine(dir, Checkpoint.ConfigFileName));
            Assert.Contains("\"algo\": \"ppo\"", json);
            Assert.Contains("\"env_id\": \"CartPole-v1\"", json);
            Assert.Contains("\"Optimizer\": \"Adam\"", json);
            Assert.Contains("\"env_steps\": 32", json);
            Assert.Contains("\"dotnet_version\"", json);
            Assert.DoesNotContain(Directory.GetFiles(dir), f => f.EndsWith(".tmp", StringComparison.Ordinal));
        }
        finally
        {
            Dispose(dir);
        }
    }

    [Fact]
    public void Resume_BeforeAnyTraining_TrainsLikeAFreshAgent()
    {
        string dir = TempDirectory();
        try
        {
            var fresh = PpoCartPole();
            Checkpoint.Save(fresh, dir);
            var resumed = Checkpoint.Resume(dir);
            fresh.Learn(64);
            resumed.Learn(64);
            AssertSameParameters(fresh, resumed);
        }
        finally
        {
            Dispose(dir);
        }
    }
}
