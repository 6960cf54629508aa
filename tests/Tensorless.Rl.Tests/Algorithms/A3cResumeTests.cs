using Tensorless.Autodiff.Serialization;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Options;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// A3C in deterministic mode resumes exactly through the ordinary checkpoint: the workers' envs are columns of the
/// learner's one vector env and their copies theta' are re-synced from theta every round, so the shared RMSprop state is
/// the only thing A3C adds, and it travels as the optimizer's state.
/// </summary>
public sealed class A3cResumeTests
{
    private static A3c Make() => new(Gym.MakeVector("CartPole-v1", 4, seed: 5), new A3cOptions
    {
        NumWorkers = 2,
        Deterministic = true,
        OnPolicy = A3cOptions.Defaults with { Seed = 5, LearningRateSchedule = Schedule.Linear, Policy = SmallPolicy },
    });

    [Fact]
    public void Resume_Deterministic_ThenTrainMore_MatchesUninterruptedRunBitForBit()
    {
        string dir = TempDirectory();
        try
        {
            using var interrupted = Make();
            interrupted.Learn(400);
            Checkpoint.Save(interrupted, dir);
            using var resumed = (A3c)Checkpoint.Resume(dir);
            Assert.Equal(interrupted.Learner.Progress.Updates, resumed.Learner.Progress.Updates);
            Assert.Equal(interrupted.Optimizers[0].Optimizer.StepCount, resumed.Optimizers[0].Optimizer.StepCount);

            interrupted.Learn(1_000);
            resumed.Learn(1_000);
            AssertSameParameters(interrupted, resumed);
            var episodes = interrupted.Learner.Progress.Episodes;
            Assert.True(episodes.EpisodeCount > 0);
            Assert.Equal(episodes.History, resumed.Learner.Progress.Episodes.History);

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
}
