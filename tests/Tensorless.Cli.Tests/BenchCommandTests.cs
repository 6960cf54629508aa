using System.Text.Json;
using Tensorless.Cli;

namespace Tensorless.Cli.Tests;

public sealed class BenchCommandTests : IDisposable
{
    private readonly string _json = Path.Combine(Path.GetTempPath(), "tensorless-bench-" + Guid.NewGuid().ToString("N") + ".json");

    public void Dispose() => File.Delete(_json);

    [Fact]
    public void BenchSolve_BudgetTooSmall_ReportsUnsolvedSeedsWithFullTimesInJson()
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLineApp.Run(["bench", "solve", "--seeds", "1,2", "--total-steps", "1024", "--threads", "1", "--json", _json], stdout, stderr);
        Assert.True(code == 1, $"two unsolved seeds must fail the harness; stderr: {stderr}");
        Assert.Contains("0/2 solved", stdout.ToString());

        using var doc = JsonDocument.Parse(File.ReadAllText(_json));
        var root = doc.RootElement;
        Assert.Equal("ppo-cartpole", root.GetProperty("preset").GetString());
        Assert.Equal(1, root.GetProperty("threads").GetInt32());
        var runs = root.GetProperty("runs");
        Assert.Equal(2, runs.GetArrayLength());
        foreach (var run in runs.EnumerateArray())
        {
            Assert.False(run.GetProperty("solved").GetBoolean());
            Assert.Equal(1024, run.GetProperty("env_steps").GetInt64());
            Assert.True(run.GetProperty("wall_seconds").GetDouble() > 0);
            foreach (var name in new[] { "seed", "rollout_seconds", "update_seconds", "eval_mean_return" })
            {
                Assert.True(run.TryGetProperty(name, out _), $"run lacks {name}");
            }
        }

        Assert.True(root.GetProperty("median_wall_seconds").GetDouble() > 0);
    }

    [Theory]
    [InlineData("--seeds", "1,x", "--seeds takes whole numbers")]
    [InlineData("--preset", "nope", "Unknown preset 'nope'")]
    public void BenchSolve_BadArguments_NamesThem(string option, string value, string expected)
    {
        var stderr = new StringWriter();
        Assert.Equal(2, CommandLineApp.Run(["bench", "solve", option, value], new StringWriter(), stderr));
        Assert.Contains(expected, stderr.ToString());
    }
}
