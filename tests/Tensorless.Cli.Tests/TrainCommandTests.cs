using System.Text.Json;
using System.Xml.Linq;
using Tensorless.Cli;
using static Tensorless.Cli.Tests.CliRunner;

namespace Tensorless.Cli.Tests;

public sealed class TrainCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Train_SmallBudget_WritesEveryRunFile()
    {
        var (code, output, error) = Run("train", "--total-steps", "2048", "--eval-episodes", "3", "--out", _dir, "--plain");
        Assert.True(code == 0, error);
        foreach (var file in new[] { "summary.json", "metrics.csv", "metrics.jsonl", "model.safetensors", "config.json", "curve.svg" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, file)), $"{file} missing; output:\n{output}");
        }

        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        var root = summary.RootElement;
        Assert.Equal("ppo", root.GetProperty("algo").GetString());
        Assert.Equal("CartPole-v1", root.GetProperty("env").GetString());
        Assert.Equal("ppo-cartpole", root.GetProperty("preset").GetString());
        Assert.Equal(2048, root.GetProperty("env_steps").GetInt64());
        Assert.Equal(8, root.GetProperty("updates").GetInt32());
        Assert.Equal(3, root.GetProperty("eval_episodes").GetInt32());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("solved_at_env_steps").ValueKind);
        Assert.Equal("budget_exhausted", root.GetProperty("status").GetString());
        foreach (var name in new[] { "wall_seconds", "rollout_seconds", "update_seconds", "train_mean_return_last100", "eval_mean_return", "eval_std_return", "seed", "solved_at_seconds" })
        {
            Assert.True(root.TryGetProperty(name, out _), $"summary.json lacks {name}");
        }

        var csv = File.ReadAllLines(Path.Combine(_dir, "metrics.csv"));
        Assert.Equal(1 + 8, csv.Length);
        Assert.StartsWith("update,env_steps", csv[0]);
        Assert.Equal(8, File.ReadAllLines(Path.Combine(_dir, "metrics.jsonl")).Length);
        Assert.NotNull(XDocument.Parse(File.ReadAllText(Path.Combine(_dir, "curve.svg"))).Root);
        Assert.Contains("Evaluation (3 deterministic episodes)", output);
    }

    [Fact]
    public void Train_A3cDeterministicFlag_RunsAndSummaryIsReproducible()
    {
        var (code, _, error) = Run("train", "--algo", "a3c", "--deterministic", "--total-steps", "400", "--eval-episodes", "0", "--out", _dir, "--plain");
        Assert.True(code == 0, error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.Equal("a3c-cartpole", summary.RootElement.GetProperty("preset").GetString());
        Assert.True(summary.RootElement.GetProperty("reproducible").GetBoolean());
        Assert.Contains("\"Deterministic\": true", File.ReadAllText(Path.Combine(_dir, "config.json")));
    }

    [Fact]
    public void Train_A3cAsynchronous_SummaryIsNotReproducible()
    {
        var (code, _, error) = Run("train", "--algo", "a3c", "--total-steps", "400", "--eval-episodes", "0", "--out", _dir, "--plain");
        Assert.True(code == 0, error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.False(summary.RootElement.GetProperty("reproducible").GetBoolean());
    }

    [Fact]
    public void Train_DeterministicFlagOnPpo_IsRejectedByName()
    {
        var (code, _, error) = Run("train", "--deterministic", "--total-steps", "400", "--out", _dir, "--plain");
        Assert.Equal(2, code);
        Assert.Contains("--deterministic: PPO has no Deterministic option", error);
    }

    [Fact]
    public void Train_ThenEval_ReportsReturnsOfTheSavedPolicy()
    {
        Assert.Equal(0, Run("train", "--algo", "a2c", "--total-steps", "400", "--eval-episodes", "0", "--out", _dir, "--plain").Code);
        var (code, output, error) = Run("eval", "--run", _dir, "--episodes", "4");
        Assert.True(code == 0, error);
        Assert.Contains("A2C on CartPole-v1, 4 deterministic episodes", output);
        Assert.Contains("mean return", output);
    }

    [Fact]
    public void Train_Resume_ContinuesFromTheSavedStepCount()
    {
        Assert.Equal(0, Run("train", "--total-steps", "512", "--eval-episodes", "0", "--out", _dir, "--plain").Code);
        var (code, _, error) = Run("train", "--resume", _dir, "--total-steps", "1024", "--extend", "--eval-episodes", "0", "--plain");
        Assert.True(code == 0, error);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.Equal(1024, summary.RootElement.GetProperty("env_steps").GetInt64());
        // the CSV keeps one header and gains the resumed rows
        var csv = File.ReadAllLines(Path.Combine(_dir, "metrics.csv"));
        Assert.Equal(1 + 4, csv.Length);
        Assert.Single(csv, l => l.StartsWith("update,", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--set gamma=1.5", "Gamma")]
    [InlineData("--set nonsense=1", "Unknown option 'nonsense'")]
    [InlineData("--set batch_size=100", "MinibatchSize")]
    [InlineData("--preset nope", "Unknown preset 'nope'")]
    [InlineData("--env Nope-v0", "Unknown env id 'Nope-v0'")]
    [InlineData("--algo dqn", "Unknown --algo 'dqn'")]
    [InlineData("--target high", "--target takes a number")]
    [InlineData("--set learning_rate=fast", "LearningRate")]
    [InlineData("--preset ppo-cartpole --algo a2c", "contradicts preset")]
    public void Train_InvalidOption_FailsBeforeTrainingAndNamesIt(string args, string expected)
    {
        var (code, output, error) = Run(["train", .. args.Split(' '), "--out", _dir]);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("(Parameter", error);
        Assert.False(Directory.Exists(_dir), $"nothing may be written before validation passes; output:\n{output}");
    }

    [Fact]
    public void Train_SetOverrides_ReachTheSavedConfig()
    {
        var (code, _, error) = Run("train", "--total-steps", "512", "--eval-episodes", "0", "--out", _dir, "--plain",
            "--set", "learning_rate=0.0005", "--set", "policy.hidden_sizes=[32,16]", "--set", "clip_range_schedule=constant");
        Assert.True(code == 0, error);
        string config = File.ReadAllText(Path.Combine(_dir, "config.json"));
        Assert.Contains("0.0005", config);
        Assert.Contains("\"Constant\"", config);
        Assert.Contains("32", config);
    }

    [Fact]
    public void Eval_MissingRun_NamesTheDirectory()
    {
        var (code, _, error) = Run("eval", "--run", _dir);
        Assert.Equal(2, code);
        Assert.Contains(_dir, error);
    }
}
