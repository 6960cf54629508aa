using System.Text.Json;
using Tensorless.Cli;
using Tensorless.Envs.Spaces;
using static Tensorless.Cli.Tests.CliRunner;

namespace Tensorless.Cli.Tests;

public sealed class EnvCommandTests
{
    private static string FixturePath(string envId)
    {
        string? dir = Environment.GetEnvironmentVariable("TENSORLESS_FIXTURES");
        if (string.IsNullOrEmpty(dir))
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "Tensorless.sln")))
            {
                d = d.Parent;
            }

            Assert.True(d is not null, $"No Tensorless.sln above {AppContext.BaseDirectory}; set TENSORLESS_FIXTURES.");
            dir = Path.Combine(d!.FullName, "..", "shared", "fixtures", "gymnasium");
        }

        string path = Path.Combine(dir, envId + ".jsonl");
        Assert.True(File.Exists(path), $"Gymnasium fixture '{path}' is missing.");
        return path;
    }

    [Theory]
    [InlineData("CartPole-v0", 700)]
    [InlineData("Pendulum-v1", 120)]
    [InlineData("MountainCarContinuous-v0", 120)]
    public void Replay_FixtureExcerpt_PrintsGymnasiumValuesExactly(string envId, int records)
    {
        var lines = File.ReadLines(FixturePath(envId)).Skip(1).Take(records).ToList();
        string input = Path.GetTempFileName();
        try
        {
            using (var writer = new StreamWriter(input))
            {
                foreach (string line in lines)
                {
                    using var doc = JsonDocument.Parse(line);
                    var r = doc.RootElement;
                    writer.WriteLine(r.GetProperty("record").GetString() == "reset"
                        ? $"{{\"state\": {r.GetProperty("state").GetRawText()}}}"
                        : $"{{\"action\": {r.GetProperty("action").GetRawText()}}}");
                }
            }

            var (code, output, error) = Run("env", "replay", "--env", envId, "--input", input);
            Assert.True(code == 0, error);
            var outLines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal(lines.Count, outLines.Length);
            bool sawEnd = false;
            for (int i = 0; i < lines.Count; i++)
            {
                using var expected = JsonDocument.Parse(lines[i]);
                using var actual = JsonDocument.Parse(outLines[i]);
                var e = expected.RootElement;
                var a = actual.RootElement;
                Assert.Equal(Doubles(e.GetProperty("obs")), Doubles(a.GetProperty("obs")));
                if (e.GetProperty("record").GetString() == "step")
                {
                    Assert.Equal(e.GetProperty("reward").GetDouble(), a.GetProperty("reward").GetDouble());
                    Assert.Equal(e.GetProperty("terminated").GetBoolean(), a.GetProperty("terminated").GetBoolean());
                    Assert.Equal(e.GetProperty("truncated").GetBoolean(), a.GetProperty("truncated").GetBoolean());
                    sawEnd |= e.GetProperty("terminated").GetBoolean() || e.GetProperty("truncated").GetBoolean();
                }
                else
                {
                    Assert.False(a.TryGetProperty("reward", out _));
                }
            }

            if (envId == "CartPole-v0")
            {
                Assert.True(sawEnd, "the CartPole-v0 excerpt should include episode ends");
            }
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void Replay_InvalidAction_FailsNamingLineAndSpace()
    {
        string input = Path.GetTempFileName();
        try
        {
            File.WriteAllLines(input, ["{\"state\": [0, 0, 0, 0]}", "{\"action\": 1}", "{\"action\": 2}"]);
            var (code, output, error) = Run("env", "replay", "--env", "CartPole-v1", "--input", input);
            Assert.Equal(1, code);
            Assert.Equal(2, output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
            Assert.Contains("line 3", error);
            Assert.Contains("Discrete(2)", error);
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void Replay_UnknownEnv_FailsListingIds()
    {
        string input = Path.GetTempFileName();
        try
        {
            var (code, _, error) = Run("env", "replay", "--env", "Nope-v0", "--input", input);
            Assert.Equal(1, code);
            Assert.Contains("CartPole-v1", error);
        }
        finally
        {
            File.Delete(input);
        }
    }

    [Fact]
    public void List_PrintsEveryIdWithSpacesAndLimits()
    {
        var (code, output, _) = Run("env", "list");
        Assert.Equal(0, code);
        Assert.Contains("CartPole-v0  observation: Box([-4.800000190734863, -inf, -0.41887903213500977, -inf], [4.800000190734863, inf, 0.41887903213500977, inf], (4,))  action: Discrete(2)  max_episode_steps: 200", output);
        Assert.Contains("CartPole-v1", output);
        Assert.Contains("Pendulum-v1  observation: Box([-1, -1, -8], [1, 1, 8], (3,))  action: Box(-2, 2, (1,))  max_episode_steps: 200", output);
        foreach (string id in new[] { "CartPoleSwingUp-v0", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0" })
        {
            Assert.Contains(id, output);
        }
    }

    private static double[] Doubles(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetDouble())];
}
