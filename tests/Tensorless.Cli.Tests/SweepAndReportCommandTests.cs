using Tensorless.Cli;
using static Tensorless.Cli.Tests.CliRunner;

namespace Tensorless.Cli.Tests;

public sealed class SweepAndReportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-cli-sweep-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>2 configurations x 1 seed, 512 steps each: a second or so.</summary>
    private (int Code, string Out, string Err) TinySweep() => Run(
        "sweep", "--preset", "ppo-cartpole", "--grid", "learning_rate=1e-3,3e-4", "--seeds", "1",
        "--total-steps", "512", "--target", "none", "--eval-episodes", "1", "--out", _dir);

    private string Member(string configuration) => Path.Combine(_dir, configuration, "seed1");

    [Fact]
    public void Sweep_WithNoTarget_LeavesSolvedUnjudged_UnlessASolveThresholdIsGiven()
    {
        var (code, output, error) = TinySweep();
        Assert.True(code == 0, error + output);
        // no target and no threshold: "solved" is not judged rather than 0 of N
        Assert.Contains("solved -).", output);
        Assert.Contains(",,,\n", File.ReadAllText(Path.Combine(_dir, "sweep.csv")).Replace("\r", string.Empty, StringComparison.Ordinal));

        string judged = Path.Combine(_dir, "judged");
        var (code2, output2, error2) = Run(
            "sweep", "--preset", "ppo-cartpole", "--seeds", "1", "--total-steps", "512", "--target", "none", "--eval-episodes", "1",
            "--solve-threshold", "1", "--out", judged);
        Assert.True(code2 == 0, error2 + output2);
        Assert.Contains("solved 1/1).", output2); // every CartPole episode returns at least 1

        var (code3, _, error3) = Run("sweep", "--preset", "ppo-cartpole", "--solve-threshold", "nan", "--out", Path.Combine(_dir, "nan"));
        Assert.Equal(2, code3);
        Assert.Contains("--solve-threshold", error3);
    }

    [Fact]
    public void Sweep_TinyGrid_WritesFilesAndRerunKeepsFinishedMembers()
    {
        var (code, output, error) = TinySweep();
        Assert.True(code == 0, error + output);
        foreach (var file in new[] { "sweep.csv", "sweep.json", "curves.svg", "curves.png", "report.html", "sweep-spec.json" })
        {
            Assert.True(File.Exists(Path.Combine(_dir, file)), $"{file} missing; output:\n{output}");
        }

        foreach (var configuration in new[] { "learning_rate=1e-3", "learning_rate=3e-4" })
        {
            foreach (var file in new[] { "summary.json", "metrics.csv", "report.html", "curve.png" })
            {
                Assert.True(File.Exists(Path.Combine(Member(configuration), file)), $"{configuration}/seed1/{file} missing; output:\n{output}");
            }
        }

        Assert.Equal(1 + 2, File.ReadAllLines(Path.Combine(_dir, "sweep.csv")).Length);
        string model = Path.Combine(Member("learning_rate=1e-3"), "model.safetensors");
        DateTime trained = File.GetLastWriteTimeUtc(model);

        var (again, rerun, rerunError) = TinySweep();

        Assert.True(again == 0, rerunError + rerun);
        Assert.Equal(2, rerun.Split("finished earlier, kept.").Length - 1);
        Assert.Equal(trained, File.GetLastWriteTimeUtc(model));
    }

    [Fact]
    public void Report_RunAndSweep_WriteReportAndPng()
    {
        Assert.Equal(0, TinySweep().Code);
        string member = Member("learning_rate=3e-4");
        File.Delete(Path.Combine(member, "report.html"));
        File.Delete(Path.Combine(member, "curve.png"));
        File.Delete(Path.Combine(_dir, "report.html"));
        File.Delete(Path.Combine(_dir, "curves.png"));

        var (runCode, runOut, runErr) = Run("report", "--run", member);
        Assert.True(runCode == 0, runErr);
        Assert.True(File.Exists(Path.Combine(member, "report.html")), runOut);
        Assert.True(File.Exists(Path.Combine(member, "curve.png")), runOut);

        var (sweepCode, sweepOut, sweepErr) = Run("report", "--sweep", _dir, "--band", "minmax");
        Assert.True(sweepCode == 0, sweepErr);
        Assert.True(File.Exists(Path.Combine(_dir, "report.html")), sweepOut);
        Assert.True(File.Exists(Path.Combine(_dir, "curves.png")), sweepOut);
        Assert.Contains("min-max over seeds", File.ReadAllText(Path.Combine(_dir, "curves.svg")), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--run")]
    [InlineData("--sweep")]
    public void Report_MissingFolder_ErrorAndExit2(string kind)
    {
        var (code, _, err) = Run("report", kind, Path.Combine(_dir, "nowhere"));
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", err, StringComparison.Ordinal);
        Assert.Contains("nowhere", err, StringComparison.Ordinal);
    }
}
