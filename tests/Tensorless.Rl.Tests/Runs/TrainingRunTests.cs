using System.Text.Json;
using Tensorless.Envs;
using Tensorless.Rl.Tests.Algorithms;
using Tensorless.Rl.Tests.Checkpoints;

namespace Tensorless.Rl.Tests.Runs;

/// <summary>Training runs from C#: what <c>tensorless train</c> does, without the CLI.</summary>
public sealed class TrainingRunTests : IDisposable
{
    private static readonly Lazy<string> NaNEnvId = new(() =>
    {
        const string id = "TestNaNReward-v0";
        Gym.Register(id, () => new DivergenceTests.NaNRewardEnv(), maxEpisodeSteps: 50);
        return id;
    });

    private readonly string _dir = CheckpointTestKit.TempDirectory();

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Run_PresetWithOverrides_WritesTheRunFolderAndTheSummaryKeys()
    {
        var result = TrainingRun.Run(new RunRequest
        {
            Preset = "ppo-cartpole", Seed = 3, Threads = 1, TotalSteps = 512, EvalEpisodes = 2, OutputDirectory = _dir,
            Overrides = ["n_epochs=2", "policy.hidden_sizes=[16]"],
        });

        Assert.Equal(RunStatus.BudgetExhausted, result.Status);
        Assert.Equal(512, result.Progress.EnvSteps);
        Assert.Equal(2, result.Evaluation!.Episodes);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        string[] keys = [.. summary.RootElement.EnumerateObject().Select(p => p.Name)];
        Assert.Equal(
            ["status", "algo", "env", "preset", "seed", "num_envs", "threads", "reproducible", "env_steps", "updates", "wall_seconds", "rollout_seconds", "update_seconds",
             "steps_per_second", "train_episodes", "train_mean_return_last100", "target_return", "eval_mean_return", "eval_std_return", "eval_min_return",
             "eval_max_return", "eval_success_rate", "eval_episodes", "solved_at_env_steps", "solved_at_seconds", "error", "warning", "dotnet"],
            keys);
        Assert.Equal("budget_exhausted", summary.RootElement.GetProperty("status").GetString());
        Assert.Equal("ppo", summary.RootElement.GetProperty("algo").GetString());
        string config = File.ReadAllText(Path.Combine(_dir, "config.json"));
        Assert.Contains("\"NumEpochs\": 2", config);
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => Path.GetFileName(f).StartsWith('.') && Path.GetFileName(f) != ".lock");
    }

    [Fact]
    public void Run_SameRequestTwice_SameBits()
    {
        double[] Train(string dir)
        {
            using var run = TrainingRun.Prepare(new RunRequest { Algorithm = "a2c", Seed = 5, Threads = 1, TotalSteps = 400, EvalEpisodes = 0, OutputDirectory = dir });
            run.Train();
            return DeterminismTests.Flatten(run.Agent.Policy.Parameters);
        }

        Assert.Equal(Train(Path.Combine(_dir, "a")), Train(Path.Combine(_dir, "b")));
    }

    [Fact]
    public void Train_CancelledToken_StopsAfterOneUpdateAndStillSummarises()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        using var run = TrainingRun.Prepare(new RunRequest { Preset = "ppo-cartpole", Threads = 1, EvalEpisodes = 1, OutputDirectory = _dir });
        var result = run.Train(cancellation: cancel.Token);

        Assert.Equal(RunStatus.Interrupted, result.Status);
        Assert.Equal(1, result.Progress.Updates);
        Assert.Contains("\"interrupted\"", File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.True(File.Exists(Path.Combine(_dir, "model.safetensors")));
    }

    [Fact]
    public void Train_NaNReward_EndsDivergedWithTheSummaryAndNoCheckpointOfTheBadState()
    {
        var result = TrainingRun.Run(new RunRequest
        {
            EnvId = NaNEnvId.Value, Algorithm = "ppo", Threads = 1, TotalSteps = 64, EvalEpisodes = 0, OutputDirectory = _dir, NoTarget = true,
            Overrides = ["n_steps=8", "batch_size=8", "n_epochs=1"],
        });

        Assert.Equal(RunStatus.Diverged, result.Status);
        Assert.Contains("update 1", result.Error);
        Assert.Contains("No checkpoint was written before it", result.Error);
        Assert.DoesNotContain("intact", result.Error);
        Assert.Contains("\"diverged\"", File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.False(File.Exists(Path.Combine(_dir, "model.safetensors")));
    }

    [Theory]
    [InlineData("gamma=1.5", "Gamma")]
    [InlineData("nonsense=1", "Unknown option 'nonsense'")]
    [InlineData("clip_range=oops", "ClipRange")]
    [InlineData("batch_size=7", "MinibatchSize")]
    public void Prepare_BadOverride_NamesItBeforeAnythingIsWritten(string assignment, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => TrainingRun.Prepare(new RunRequest { Preset = "ppo-cartpole", Overrides = [assignment], OutputDirectory = _dir }));
        Assert.Contains(expected, e.Message);
        Assert.False(Directory.Exists(_dir) && Directory.EnumerateFileSystemEntries(_dir).Any());
    }

    [Fact]
    public void Overrides_SharedAndOwnKeys_ReachTheirRecords()
    {
        var options = (PpoOptions)OptionOverrides.Apply(new PpoOptions(), ["learning_rate=1e-3", "n_envs=4", "batch_size=128", "kl_penalty_target=0.02", "policy.activation=relu"]);
        Assert.Equal((1e-3, 4, 128, 0.02), (options.OnPolicy.LearningRate, options.OnPolicy.NumEnvs, options.MinibatchSize, options.KlPenaltyTarget));
        Assert.Equal(Autodiff.Nn.Activation.Relu, options.OnPolicy.Policy.Activation);
        Assert.Contains("learning_rate", OptionOverrides.Keys(typeof(PpoOptions)));
        Assert.Contains("minibatch_size", OptionOverrides.Keys(typeof(PpoOptions)));
        Assert.DoesNotContain("on_policy", OptionOverrides.Keys(typeof(PpoOptions)));
    }

    [Fact]
    public void Resolve_PresetOnAnotherEnv_TargetFollowsThatEnvsThreshold()
    {
        Assert.Equal(195, RunSetup.Resolve(new RunRequest { Preset = "ppo-cartpole", EnvId = "CartPole-v0" }).Target);
        Assert.Equal(475, RunSetup.Resolve(new RunRequest { Preset = "ppo-cartpole" }).Target);
        Assert.Equal(300, RunSetup.Resolve(new RunRequest { Preset = "ppo-cartpole", EnvId = "CartPole-v0", Target = 300 }).Target);
    }

    [Fact]
    public void Resolve_SetThreadsAndSeed_AreHonoured()
    {
        var setup = RunSetup.Resolve(new RunRequest { Preset = "ppo-cartpole", Threads = 2, Overrides = ["threads=3", "seed=9"] });
        Assert.Equal((3, 9UL), (setup.Threads, setup.Seed));
    }

    [Theory]
    [InlineData(1_000_000)]
    [InlineData(257)]
    public void Resolve_AbsurdThreadCount_NamedErrorBeforeAnyThreadStarts(int threads)
    {
        var e = Assert.Throws<ArgumentException>(() => RunSetup.Resolve(new RunRequest { Threads = threads }));
        Assert.Contains("Threads must be at most 256", e.Message);
    }
}
