using Tensorless.Rl.Reports;
using Tensorless.Rl.Sweeps;

namespace Tensorless.Rl.Tests.Sweeps;

public sealed class SweepRunnerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-sweep-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private static SweepSpec Tiny => new()
    {
        Preset = "ppo-cartpole",
        TotalSteps = 512,
        EvalEpisodes = 2,
        Threads = 1,
        Set = ["n_epochs=1", "policy.hidden_sizes=[8]"],
        Grid = [SweepAxis.Parse("learning_rate=1e-3,3e-4")],
        Seeds = [1, 2],
        SolveThreshold = 15,
    };

    [Fact]
    public void Run_InterruptedThenRerun_KeepsFinishedMembersAndCompletes()
    {
        using var cancel = new CancellationTokenSource();
        var first = SweepRunner.Run(Tiny, _dir, new SweepObserver { Finished = (_, _) => cancel.Cancel() }, cancel.Token);
        Assert.True(first.Interrupted);
        Assert.Equal(1, first.Trained);
        string firstSummary = Path.Combine(_dir, "learning_rate=1e-3", "seed1", "summary.json");
        DateTime stamp = File.GetLastWriteTimeUtc(firstSummary);

        var second = SweepRunner.Run(Tiny, _dir);

        Assert.False(second.Interrupted);
        Assert.Equal((3, 1), (second.Trained, second.Skipped));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(firstSummary));
        Assert.All(second.Summary.Rows, r => Assert.Equal(2, r.Members.Count));
        Assert.Equal(0, second.Summary.Pending);
        Assert.NotNull(second.Summary.Best);
        Assert.True(File.Exists(Path.Combine(_dir, "sweep.csv")) && File.Exists(Path.Combine(_dir, "sweep.json")));
        Assert.Equal(3, File.ReadAllLines(Path.Combine(_dir, "sweep.csv")).Length);
    }

    [Fact]
    public void Run_AsAPopulation_GivesEveryMemberTheBitsOfTheSequentialOneThreadSweep()
    {
        string sequential = Path.Combine(_dir, "sequential"), population = Path.Combine(_dir, "population");
        SweepRunner.Run(Tiny, sequential);
        var members = Tiny.Members(population);
        using var cancel = new CancellationTokenSource();
        var interrupted = SweepRunner.Run(Tiny with { Population = true, Threads = 2 }, population,
            new SweepObserver { Progress = status => { if (status.EnvSteps >= 512) { cancel.Cancel(); } } }, cancel.Token);
        Assert.True(interrupted.Interrupted);

        var result = SweepRunner.Run(Tiny with { Population = true, Threads = 2 }, population);
        Assert.False(result.Interrupted);
        Assert.Equal(4, result.Trained);
        foreach (var member in members)
        {
            string twin = member.Directory.Replace(population, sequential, StringComparison.Ordinal);
            using var a = Tensorless.Rl.Checkpoints.Checkpoint.Resume(twin);
            using var b = Tensorless.Rl.Checkpoints.Checkpoint.Resume(member.Directory);
            Assert.Equal(Tensorless.Rl.Tests.Algorithms.DeterminismTests.Flatten(a.Policy.Parameters), Tensorless.Rl.Tests.Algorithms.DeterminismTests.Flatten(b.Policy.Parameters));
        }

        Assert.Equal(result.Summary.Rows.Select(r => r.Members.Count), SweepRunner.Summarize(Tiny, sequential).Rows.Select(r => r.Members.Count));
        Assert.Contains("\"population\": true", File.ReadAllText(Path.Combine(population, SweepRunner.SpecFileName)));
    }

    [Fact]
    public void RunShare_TwoShares_SplitRoundRobinAndSummarizeLikeRun()
    {
        var share1 = SweepRunner.RunShare(Tiny, _dir, new SweepShare(1, 2));
        Assert.Equal((2, 0, false), share1);
        var members = Tiny.Members(_dir);
        Assert.Equal([false, true, false, true], members.Select(m => SweepSummary.IsFinished(m.Directory)));
        Assert.False(File.Exists(Path.Combine(_dir, "sweep.csv")));

        var share0 = SweepRunner.RunShare(Tiny, _dir, new SweepShare(0, 2));
        Assert.Equal((2, 0, false), share0);
        var summary = SweepRunner.Summarize(Tiny, _dir);
        Assert.Equal(0, summary.Pending);
        Assert.All(summary.Rows, r => Assert.Equal(2, r.Members.Count));

        var rerun = SweepRunner.Run(Tiny, _dir);
        Assert.Equal((0, 4), (rerun.Trained, rerun.Skipped));
        Assert.Throws<ArgumentOutOfRangeException>(() => new SweepShare(2, 2));
    }

    [Fact]
    public void Run_CancelledMidMember_RestartsThatMemberCleanly()
    {
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var first = SweepRunner.Run(Tiny with { Seeds = [1], Grid = [] }, _dir, cancellation: cancel.Token);
        Assert.True(first.Interrupted);
        Assert.False(SweepSummary.IsFinished(Path.Combine(_dir, "default", "seed1")));

        var second = SweepRunner.Run(Tiny with { Seeds = [1], Grid = [] }, _dir);

        Assert.Equal(1, second.Trained);
        Assert.True(SweepSummary.IsFinished(Path.Combine(_dir, "default", "seed1")));
        Assert.Throws<ArgumentException>(() => SweepRunner.Run(Tiny, _dir));
    }

    [Fact]
    public void Reports_SweepAndRun_SelfContainedWithTableAndCharts()
    {
        SweepRunner.Run(Tiny with { Seeds = [1] }, _dir);
        string member = Path.Combine(_dir, "learning_rate=1e-3", "seed1");
        File.WriteAllBytes(Path.Combine(member, "agent.gif"), [0x47, 0x49, 0x46, 0x38, 0x39, 0x61]);

        string run = File.ReadAllText(RunReport.Write(member));
        string sweep = File.ReadAllText(SweepReport.Write(_dir));

        Assert.Contains("data:image/gif;base64,", run);
        Assert.Contains("class=\"entropy\"", run);
        Assert.Contains("Options (config.json)", run);
        Assert.Contains("Best configuration", sweep);
        Assert.Contains("class=\"band\"", sweep);
        foreach (string html in new[] { run, sweep })
        {
            // No network: the only URL is the SVG namespace.
            Assert.DoesNotContain("https://", html);
            Assert.Equal(html.Split("http://").Length - 1, html.Split("http://www.w3.org/2000/svg").Length - 1);
        }

        Assert.True(ChromiumRender.TryScreenshot(Path.Combine(_dir, "report.html"), out string? png, out string why), why);
        if (png is not null)
        {
            Assert.True(ChromiumRender.DistinctColours(png) > 8, "the rendered report looks blank");
        }
    }
}
