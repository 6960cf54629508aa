using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Tensorless.Cli;

namespace Tensorless.Cli.Tests;

/// <summary>
/// <c>tensorless train</c> under what schedulers and shells send it (issue 13 part 3b): SIGTERM stops after the current
/// update, saves, summarises and exits with the interrupted code; the checkpoint interval is an option.
/// </summary>
public sealed class TrainSignalTests : IDisposable
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
    public async Task Train_Sigterm_SavesSummarisesAndExitsInterrupted()
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return; // no SIGTERM to send
        }

        // A real child process: the signal must reach the CLI's handler, not this test host.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string a in (string[])[typeof(CommandLineApp).Assembly.Location, "train", "--total-steps", "100000000", "--target", "none",
                     "--eval-episodes", "1", "--threads", "1", "--out", _dir, "--plain"])
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        string metrics = Path.Combine(_dir, "metrics.csv");
        var clock = Stopwatch.StartNew();
        while (!(File.Exists(metrics) && File.ReadAllLines(metrics).Length >= 3) && !process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            await Task.Delay(50);
        }

        if (process.HasExited || clock.Elapsed >= TimeSpan.FromSeconds(90))
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            Assert.Fail($"the run ended before the signal: {await stderr}");
        }
        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            finally
            {
                if (!process.HasExited)
                {
                    process.Kill(); // never leave a 1e8-step run behind a failed test
                }
            }
        }

        string errors = await stderr;
        Assert.True(process.ExitCode == 130, $"exit code {process.ExitCode}; stderr: {errors}");
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "summary.json")));
        Assert.Equal("interrupted", summary.RootElement.GetProperty("status").GetString());
        Assert.Contains("--resume", await stdout);
        Assert.Equal(0, CommandLineApp.Run(["eval", "--run", _dir, "--episodes", "1"], new StringWriter(), new StringWriter()));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-5")]
    [InlineData("NaN")]
    public void Train_CheckpointEveryNotPositive_NamedError(string seconds)
    {
        var stderr = new StringWriter();
        int code = CommandLineApp.Run(["train", "--checkpoint-every", seconds, "--out", _dir], new StringWriter(), stderr);
        Assert.Equal(2, code);
        Assert.Contains("--checkpoint-every takes a positive number of seconds", stderr.ToString());
    }

    [Fact]
    public void Train_CheckpointEvery_IsAccepted()
    {
        var stderr = new StringWriter();
        int code = CommandLineApp.Run(["train", "--algo", "a2c", "--total-steps", "200", "--eval-episodes", "0", "--checkpoint-every", "0.001", "--out", _dir, "--plain"], new StringWriter(), stderr);
        Assert.True(code == 0, stderr.ToString());
        Assert.True(File.Exists(Path.Combine(_dir, "model.safetensors")));
    }

    [Fact]
    public void Train_ExtendWithoutResume_NamedError()
    {
        var stderr = new StringWriter();
        Assert.Equal(2, CommandLineApp.Run(["train", "--extend", "--out", _dir], new StringWriter(), stderr));
        Assert.Contains("--extend", stderr.ToString());
    }
}
