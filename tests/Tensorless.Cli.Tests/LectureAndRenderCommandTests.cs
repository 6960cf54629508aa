using Tensorless.Cli;
using static Tensorless.Cli.Tests.CliRunner;

namespace Tensorless.Cli.Tests;

public sealed class LectureAndRenderCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-cli-lecture-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Lecture_Exp03_PrintsTheLectureBesideOurs()
    {
        var (code, output, _) = Run("lecture", "exp03", "--out", _dir);
        Assert.Equal(0, code);
        Assert.Contains("Finite difference: 0.425547", output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_dir, "exp03.json")));
    }

    [Fact]
    public void Lecture_UnknownExperiment_Exits2()
    {
        var (code, _, err) = Run("lecture", "exp42", "--out", _dir);
        Assert.Equal(2, code);
        Assert.Contains("exp42", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WritesGifAndStill()
    {
        string run = Path.Combine(_dir, "run");
        TrainingRun.Run(new RunRequest { Algorithm = "a2c", EnvId = "CartPole-v1", Seed = 1, Threads = 1, TotalSteps = 40, EvalEpisodes = 0, OutputDirectory = run });
        string gif = Path.Combine(_dir, "agent.gif"), png = Path.Combine(_dir, "still.png");
        var (code, output, err) = Run("render", "--run", run, "--out", gif, "--still", png);
        Assert.True(code == 0, err);
        Assert.Contains("frames", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(gif).Length > 0);
        Assert.True(File.Exists(png));
    }

    [Fact]
    public void Render_MissingRun_Exits2()
    {
        var (code, _, _) = Run("render", "--run", Path.Combine(_dir, "nope"), "--out", Path.Combine(_dir, "a.gif"));
        Assert.Equal(2, code);
    }
}
