using System.Text.Json;
using Tensorless.Cli;
using static Tensorless.Cli.Tests.CliRunner;

namespace Tensorless.Cli.Tests;

/// <summary><c>train --device</c> (issue 11): ILGPU's CPU accelerator trains end to end; a missing or unknown device is a usage error.</summary>
public sealed class DeviceOptionTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-cli-device-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void TrainOnIlgpuCpu_WritesAnOrdinaryRunThatResumesOnTheCpu()
    {
        var (code, output, error) = Run("train", "--device", "ilgpu-cpu", "--total-steps", "256", "--set", "n_epochs=1", "--set", "policy.hidden_sizes=[8]",
            "--eval-episodes", "2", "--out", _dir, "--plain");
        Assert.True(code == 0, error + output);
        using (var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json"))))
        {
            Assert.Equal(256, summary.RootElement.GetProperty("env_steps").GetInt64());
        }

        var resumed = Run("train", "--resume", _dir, "--total-steps", "512", "--extend", "--eval-episodes", "0", "--plain");
        Assert.True(resumed.Code == 0, resumed.Error + resumed.Output);
    }

    [Fact]
    public void APopulationOnIlgpuCpu_BatchesItsRolloutsAndUpdates()
    {
        var (code, output, error) = Run("train", "--seeds", "1-2", "--device", "ilgpu-cpu", "--total-steps", "256", "--set", "n_epochs=1",
            "--set", "policy.hidden_sizes=[8]", "--eval-episodes", "1", "--out", _dir, "--plain");
        Assert.True(code == 0, error + output);
        Assert.Contains("for the members' rollouts and updates (batched)", output);
        foreach (string seed in new[] { "seed1", "seed2" })
        {
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, seed, "summary.json")));
            Assert.Equal(256, summary.RootElement.GetProperty("env_steps").GetInt64());
        }
    }

    [Fact]
    public void APopulationTheBatchedUpdateCannotServe_SaysWhyItsUpdatesStayOnTheCpu()
    {
        var (code, output, error) = Run("train", "--seeds", "1-2", "--algo", "trpo", "--device", "ilgpu-cpu", "--total-steps", "256",
            "--set", "policy.hidden_sizes=[8]", "--set", "batch_size=64", "--eval-episodes", "0", "--out", _dir, "--plain");
        Assert.True(code == 0, error + output);
        Assert.Contains("for the members' rollouts (batched); their updates run on the CPU threads: the batched update serves PPO and A2C members, not trpo.", output);
    }

    [Theory]
    [InlineData("tpu", "Unknown device 'tpu'")]
    [InlineData("ilgpu-cpu", "--distributed")]
    public void ABadDeviceRequest_IsAUsageError(string device, string expected)
    {
        string[] extra = expected == "--distributed" ? ["--distributed"] : [];
        var (code, _, error) = Run(["train", "--device", device, "--total-steps", "256", "--out", _dir, "--plain", .. extra]);
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
    }

    [Fact]
    public void BenchDevice_PrintsTheCpuAndTheCpuAcceleratorRows()
    {
        var (code, output, error) = Run("bench", "device", "--rows", "8", "--repeats", "1", "--agents", "2", "--steps", "2");
        Assert.True(code == 0, error + output);
        Assert.Contains("  cpu ", output);
        Assert.Contains("  ilgpu-cpu ", output);
        Assert.Contains("rollout of 2 steps x m envs", output);
        Assert.True(output.Contains("  cuda ", StringComparison.Ordinal) || output.Contains("cuda: not available", StringComparison.Ordinal), output);
        // the population GEMM and tick tables: one row per device for 2 agents, after the single-agent table's two
        Assert.Contains("population GEMM: K agents", output);
        Assert.Contains("population tick: K PPO agents x 4 CartPole envs x 2 steps", output);
        Assert.Equal(6, output.Split('\n').Count(l => l.TrimStart().StartsWith("cpu ", StringComparison.Ordinal) || l.TrimStart().StartsWith("ilgpu-cpu ", StringComparison.Ordinal)));
    }

    [Fact]
    public void BenchDevice_WithDevices_MeasuresOnlyThose()
    {
        var (code, output, error) = Run("bench", "device", "--rows", "8", "--repeats", "1", "--steps", "2", "--devices", "cpu");
        Assert.True(code == 0, error + output);
        Assert.Contains("  cpu ", output);
        Assert.DoesNotContain("ilgpu-cpu", output);
    }

    [Theory]
    [InlineData("--agents", "0")]
    [InlineData("--rows", "4")]
    [InlineData("--agents", "a,2")]
    [InlineData("--steps", "0")]
    [InlineData("--devices", "tpu")]
    public void BenchDevice_BadSizes_AreAUsageError(string option, string value)
    {
        var (code, _, error) = Run("bench", "device", option, value);
        Assert.Equal(2, code);
        Assert.Contains(option, error);
    }
}
