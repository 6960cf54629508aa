using System.Text.Json;
using Tensorless.Cli;
using static Tensorless.Cli.Tests.CliRunner;

namespace Tensorless.Cli.Tests;

/// <summary><c>train --seeds</c>, <c>train --resume</c> of a population, and <c>bench population</c> (issue 10).</summary>
public sealed class PopulationCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-cli-pop-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void TrainSeeds_WritesAPopulation_WhoseMembersEvalAsOrdinaryRuns()
    {
        var (code, output, error) = Run("train", "--seeds", "1-2,5", "--total-steps", "1024", "--eval-episodes", "2", "--set", "policy.hidden_sizes=[8]", "--out", _dir, "--plain");
        Assert.True(code == 0, error + output);
        Assert.Contains("population of 3 PPO agents", output);
        Assert.Contains("agents 3:", output);
        Assert.Contains("Population: 0 of 3 solved", output);
        using (var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "population.json"))))
        {
            var members = manifest.RootElement.GetProperty("members");
            Assert.Equal(["seed1", "seed2", "seed5"], members.EnumerateArray().Select(m => m.GetProperty("directory").GetString()));
            Assert.All(members.EnumerateArray(), m => Assert.Equal(1024, m.GetProperty("env_steps").GetInt64()));
        }

        var eval = Run("eval", "--run", Path.Combine(_dir, "seed5"), "--episodes", "2");
        Assert.True(eval.Code == 0, eval.Error);

        // a finished population resumes to nothing left to train
        var resumed = Run("train", "--resume", _dir, "--plain");
        Assert.True(resumed.Code == 0, resumed.Error + resumed.Output);
        Assert.Contains("0 of 3 members still to train", resumed.Output);
        Assert.Contains("(finished earlier)", resumed.Output);
    }

    [Theory]
    [InlineData("--seed", "3")]
    [InlineData("--distributed")]
    public void TrainSeeds_WithAnOptionThatContradictsIt_IsAClearUsageError(params string[] extra)
    {
        var (code, _, error) = Run(["train", "--seeds", "1-2", "--total-steps", "256", "--out", _dir, "--plain", .. extra]);
        Assert.Equal(2, code);
        Assert.Contains(extra[0] == "--seed" ? "drop --seed" : "--distributed", error);
        Assert.False(File.Exists(Path.Combine(_dir, "population.json")));
    }

    [Fact]
    public void TrainResume_OfAPopulationWithRunOptions_IsRefused()
    {
        Assert.Equal(0, Run("train", "--seeds", "1", "--total-steps", "256", "--eval-episodes", "0", "--set", "policy.hidden_sizes=[8]", "--out", _dir, "--plain").Code);
        var (code, _, error) = Run("train", "--resume", _dir, "--set", "learning_rate=1e-3");
        Assert.Equal(2, code);
        Assert.Contains("only --threads", error);
    }

    [Fact]
    public void BenchPopulation_PrintsOneRowPerSize()
    {
        string json = Path.Combine(_dir, "bench.json");
        Directory.CreateDirectory(_dir);
        var (code, output, error) = Run("bench", "population", "--sizes", "1,2", "--total-steps", "1024", "--threads", "2", "--json", json);
        Assert.True(code == 0, error);
        Assert.Contains("GFLOP/s", output);
        using var doc = JsonDocument.Parse(File.ReadAllText(json));
        var rows = doc.RootElement.GetProperty("rows");
        Assert.Equal([1, 2], rows.EnumerateArray().Select(r => r.GetProperty("k").GetInt32()));
        Assert.Equal(2 * 1024, rows[1].GetProperty("env_steps").GetInt64());
    }
}
