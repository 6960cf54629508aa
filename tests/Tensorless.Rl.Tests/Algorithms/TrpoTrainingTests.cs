using Tensorless.Autodiff.Serialization;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;
using Tensorless.Tests;
using static Tensorless.Rl.Tests.Checkpoints.CheckpointTestKit;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// TRPO and NPG as learners: bit-for-bit determinism, exact resume from a checkpoint, an allocation-free steady-state
/// update, and an end-to-end solve of CartPole-v1. trpo-cartpole solves seed 1 in 112,640 steps on the development
/// machine; the budget leaves about 1.5x headroom.
/// </summary>
public class TrpoTrainingTests
{
    private const long TrpoBudget = 180_000;

    private static TrpoOptions SmallTrpo => new() { OnPolicy = TrpoOptions.Defaults with { NumSteps = 32, Seed = 7, Policy = SmallPolicy }, MinibatchSize = 16, NumCriticUpdates = 2 };

    private static NpgOptions SmallNpg => new() { OnPolicy = TrpoOptions.Defaults with { NumSteps = 32, Seed = 7, Policy = SmallPolicy }, MinibatchSize = 16, NumCriticUpdates = 2 };

    public static TheoryData<string> Cases() => ["trpo-cartpole", "npg-cartpole", "trpo-pendulum"];

    private static IOnPolicyAlgorithm Make(string name) => name switch
    {
        "trpo-cartpole" => new Trpo(Gym.MakeVector("CartPole-v1", 2, seed: 1), SmallTrpo),
        "npg-cartpole" => new Npg(Gym.MakeVector("CartPole-v1", 2, seed: 1), SmallNpg),
        // 64 steps x 2 envs: the 200-step time limit truncates inside the resumed part
        "trpo-pendulum" => new Trpo(Gym.MakeVector("Pendulum-v1", 2, seed: 5), SmallTrpo.With(o => o with { NumSteps = 64, NormalizeObservations = true })),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void SameSeed_TwoRuns_SameParametersBitForBit(string name)
    {
        using var a = (IDisposable)Make(name);
        using var b = (IDisposable)Make(name);
        ((IOnPolicyAlgorithm)a).Learn(384);
        ((IOnPolicyAlgorithm)b).Learn(384);
        AssertSameParameters((IOnPolicyAlgorithm)a, (IOnPolicyAlgorithm)b);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resume_ThenTrainMore_MatchesUninterruptedRunBitForBit(string name)
    {
        string dir = TempDirectory();
        try
        {
            var interrupted = Make(name);
            interrupted.Learn(256);
            Checkpoint.Save(interrupted, dir);
            var resumed = Checkpoint.Resume(dir);
            Assert.IsType(interrupted.GetType(), resumed);
            interrupted.Learn(640);
            resumed.Learn(640);
            AssertSameParameters(interrupted, resumed);
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

    [Theory]
    [InlineData("CartPole-v1", false)]
    [InlineData("Pendulum-v1", false)]
    [InlineData("CartPole-v1", true)]
    public void Update_Steady_AllocatesNothing(string envId, bool npg)
    {
        var env = Gym.MakeVector(envId, 2, seed: 1);
        using IOnPolicyAlgorithm agent = npg ? new Npg(env, SmallNpg) : new Trpo(env, SmallTrpo);
        agent.Learner.CollectRollout();
        var metrics = MetricsRecord.CreateStandard();
        Assert.Equal(0, AllocationProbe.SteadyStateBytes(() => agent.Update(0.5, metrics), warmupSteps: 5, windowSteps: 5));
    }

    [Fact]
    public void TrpoCartPolePreset_Seed1_SolvesAndEvaluatesAtLeast475()
    {
        var preset = Presets.Get("trpo-cartpole");
        var env = Gym.MakeVector(preset.EnvId, preset.NumEnvs, 1);
        using var agent = new Trpo(env, ((TrpoOptions)preset.Options).With(o => o with { Seed = 1 }));
        var progress = agent.Learn(TrpoBudget, new StopOnReward(475));
        Assert.True(progress.SolvedAtEnvSteps is not null, $"not solved within {TrpoBudget} steps; mean of the last 100 episodes {progress.MeanReturn:F1}");
        var eval = Evaluator.Evaluate(agent, new EvaluationOptions { Episodes = 100, Deterministic = true, Seed = 10_001 });
        Assert.True(eval.MeanReturn >= 475, $"deterministic evaluation mean {eval.MeanReturn:F1} over 100 episodes");
    }
}
