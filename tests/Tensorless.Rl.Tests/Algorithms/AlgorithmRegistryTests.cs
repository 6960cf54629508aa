using Tensorless.Envs;
using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Options;
using Tensorless.Rl.Tests.Checkpoints;

namespace Tensorless.Rl.Tests.Algorithms;

/// <summary>
/// A test-defined algorithm registers itself and then trains, saves, resumes and evaluates through the same entry
/// points as PPO, with nothing in the engine naming it.
/// </summary>
public sealed class AlgorithmRegistryTests : IDisposable
{
    private readonly string _dir = CheckpointTestKit.TempDirectory();

    public AlgorithmRegistryTests() => _ = TinyPolicyGradient.Entry;

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Registry_BuiltIns_ComeFirstAndAreFoundByName()
    {
        Assert.Equal(["ppo", "a2c"], AlgorithmRegistry.Names.Take(2));
        Assert.Same(AlgorithmRegistry.Get("ppo"), AlgorithmRegistry.Default);
        Assert.Same(AlgorithmRegistry.Get("A2C"), AlgorithmRegistry.For(new A2cOptions()));
        Assert.Equal(typeof(PpoOptions), AlgorithmRegistry.Get("ppo").OptionsType);
        Assert.Contains("tiny-pg", AlgorithmRegistry.Names);
    }

    [Fact]
    public void Registry_UnknownName_ListsTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Get("dqn"));
        Assert.Contains("'dqn'", e.Message);
        Assert.Contains("ppo", e.Message);
        Assert.Contains("tiny-pg", e.Message);
    }

    [Fact]
    public void Registry_DuplicateNameOrPreset_IsRejected()
    {
        Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Register(TinyPolicyGradient.Entry with { Presets = [] }));
        var stolenPreset = Presets.Get("ppo-cartpole") with { Algorithm = "other" };
        var other = AlgorithmEntry.For<PpoOptions>("other", "Other", (env, o) => new Ppo(env, o), [stolenPreset]);
        Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Register(other));
        Assert.DoesNotContain("other", AlgorithmRegistry.Names);
    }

    [Fact]
    public void Entry_CreateWithAnotherAlgorithmsOptions_NamesBothTypes()
    {
        var e = Assert.Throws<ArgumentException>(() => AlgorithmRegistry.Get("tiny-pg").Create(Gym.MakeVector("CartPole-v1", 2, 1), new PpoOptions()));
        Assert.Contains("TinyPolicyGradientOptions", e.Message);
        Assert.Contains("PpoOptions", e.Message);
    }

    [Fact]
    public void TinyAlgorithm_TrainingRun_WritesAnOrdinaryRunFolder()
    {
        var result = TrainingRun.Run(new RunRequest { Algorithm = "tiny-pg", Seed = 4, Threads = 1, TotalSteps = 640, EvalEpisodes = 3, OutputDirectory = _dir, Overrides = ["baseline_coef=0.125", "gamma=0.9"] });

        Assert.Equal(RunStatus.BudgetExhausted, result.Status);
        Assert.Equal(640, result.Progress.EnvSteps);
        foreach (string file in new[] { "summary.json", "metrics.csv", "metrics.jsonl", "model.safetensors", "config.json", "curve.svg" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, file)), file);
        }

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.Equal("tiny-pg", summary.RootElement.GetProperty("algo").GetString());
        Assert.Equal("tiny-pg-cartpole", summary.RootElement.GetProperty("preset").GetString());
        var resumed = Assert.IsType<TinyPolicyGradient>(Checkpoint.Resume(_dir));
        Assert.Equal(0.125, resumed.Options.BaselineCoef);
        Assert.Equal(0.9, resumed.Options.OnPolicy.Gamma);
        resumed.Dispose();
    }

    [Fact]
    public void TinyAlgorithm_SaveResumeTrainMore_SameBitsAsUninterrupted()
    {
        var options = new TinyPolicyGradientOptions().With(o => o with { Seed = 8 });
        using var straight = new TinyPolicyGradient(Gym.MakeVector("CartPole-v1", 4, 8), options);
        straight.Learn(640);

        using (var first = new TinyPolicyGradient(Gym.MakeVector("CartPole-v1", 4, 8), options))
        {
            first.Learn(320);
            first.Save(_dir);
        }

        using var run = TrainingRun.Prepare(new RunRequest { ResumeDirectory = _dir, TotalSteps = 640, Extend = true, EvalEpisodes = 2, NoTarget = true });
        Assert.True(run.Resumed);
        Assert.Equal("tiny-pg", run.Setup.Algorithm.Name);
        var result = run.Train();
        Assert.Equal(640, result.Progress.EnvSteps);
        Assert.Equal(DeterminismTests.Flatten(straight.Policy.Parameters), DeterminismTests.Flatten(run.Agent.Policy.Parameters));
        Assert.NotNull(result.Evaluation);
    }

    [Fact]
    public void TinyAlgorithm_Evaluation_LiveAgentAndLoadedPolicyAgree()
    {
        using var agent = new TinyPolicyGradient(Gym.MakeVector("CartPole-v1", 4, 2), new TinyPolicyGradientOptions());
        agent.Learn(320);
        agent.Save(_dir);
        var options = new EvaluationOptions { Episodes = 3, Seed = 5 };
        var policy = TrainedPolicy.Load(_dir);
        Assert.Equal("tiny-pg", policy.Algorithm);
        Assert.Equal(Evaluator.Evaluate(agent, options).Returns, Evaluator.Evaluate(policy, options).Returns);
    }

    [Fact]
    public void TinyAlgorithm_InvalidOwnOption_RejectedBeforeTraining()
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingRun.Prepare(new RunRequest { Algorithm = "tiny-pg", Overrides = ["baseline_coef=-1"], OutputDirectory = _dir }));
        Assert.Contains("BaselineCoef", e.Message);
        Assert.False(File.Exists(Path.Combine(_dir, "summary.json")));
    }
}
