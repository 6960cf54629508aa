using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Tests.Algorithms;
using Tensorless.Rl.Tests.Checkpoints;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Tests.Runs;

/// <summary>Run folders that survive real life (issue 13 part 3b): one writer, metrics after a crash, resume budgets, warnings.</summary>
public sealed class RunFolderTests : IDisposable
{
    private readonly string _dir = CheckpointTestKit.TempDirectory();

    public void Dispose() => CheckpointTestKit.Dispose(_dir);

    private string Dir(string name) => Path.Combine(_dir, name);

    /// <summary>A2C on CartPole, 8 envs x 5 steps = 40 steps an update, linear learning rate: a budget of 400 is 10 updates.</summary>
    private static RunRequest Small(string dir, long totalSteps = 400) => new()
    {
        Algorithm = "a2c", Seed = 5, Threads = 1, TotalSteps = totalSteps, EvalEpisodes = 0, NoTarget = true, OutputDirectory = dir,
        Overrides = ["learning_rate_schedule=Linear", "policy.hidden_sizes=[8]"],
    };

    private static RunRequest Resume(string dir, long? totalSteps = null, bool extend = false) =>
        new() { ResumeDirectory = dir, TotalSteps = totalSteps, Extend = extend, EvalEpisodes = 0, NoTarget = true };

    /// <summary>Cancels the run's token after update <paramref name="update"/>: a Ctrl+C there.</summary>
    private sealed class StopAt(int update, CancellationTokenSource source) : ITrainingCallback
    {
        public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
        {
            if (progress.Updates >= update)
            {
                source.Cancel();
            }

            return true;
        }
    }

    private static (RunResult Result, double[] Parameters) Train(RunRequest request, int? stopAt = null)
    {
        using var cancel = new CancellationTokenSource();
        using var run = TrainingRun.Prepare(request);
        var result = run.Train(stopAt is int u ? [new StopAt(u, cancel)] : [], cancel.Token);
        return (result, DeterminismTests.Flatten(run.Agent.Policy.Parameters));
    }

    private static long[] Updates(string dir) =>
        [.. File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("update").GetInt64())];

    private static string[] JsonlColumn(string dir, string name) =>
        [.. File.ReadAllLines(Path.Combine(dir, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement.GetProperty(name).GetRawText())];

    [Fact]
    public void Prepare_SecondRunOnTheSameFolder_IsRefusedUntilTheFirstEnds()
    {
        string dir = Dir("run");
        var first = TrainingRun.Prepare(Small(dir));
        var e = Assert.Throws<IOException>(() => TrainingRun.Prepare(Small(dir)));
        Assert.Contains("in use by another training run", e.Message);
        Assert.Contains(dir, e.Message);

        first.Train();
        Assert.Throws<IOException>(() => TrainingRun.Prepare(Resume(dir, 800, extend: true)));
        first.Dispose();
        using var second = TrainingRun.Prepare(Resume(dir, 800, extend: true));
        Assert.True(second.Resumed);
    }

    [Fact]
    public void Resume_KeepsTheSavedBudget_SameBitsAndMetricsAsOneStraightRun()
    {
        var (straight, straightParameters) = Train(Small(Dir("straight")));
        Assert.Equal(10, straight.Progress.Updates);

        // Interrupted at update 4, resumed with no --total-steps: the run goes on to its own budget of 400 steps.
        string dir = Dir("resumed");
        Assert.Equal(RunStatus.Interrupted, Train(Small(dir), stopAt: 4).Result.Status);
        var (resumed, resumedParameters) = Train(Resume(dir));
        Assert.Equal(400, resumed.Progress.EnvSteps);
        CheckpointTestKit.AssertBits(straightParameters, resumedParameters, "parameters");
        Assert.Equal(JsonlColumn(Dir("straight"), "policy_loss"), JsonlColumn(dir, "policy_loss"));

        // The same budget given explicitly is the same request.
        Assert.Equal(RunStatus.BudgetExhausted, Train(Resume(dir, 400)).Result.Status);
    }

    [Fact]
    public void Resume_ADifferentBudgetWithoutExtend_IsRefusedNamingBoth()
    {
        string dir = Dir("run");
        Train(Small(dir), stopAt: 2);
        var e = Assert.Throws<ArgumentException>(() => TrainingRun.Prepare(Resume(dir, 800)));
        Assert.Contains("--total-steps 800 differs from the resumed run's budget of 400", e.Message);
        Assert.Contains("--extend", e.Message);
        Assert.Throws<ArgumentException>(() => TrainingRun.Prepare(Resume(dir, extend: true)));
    }

    [Fact]
    public void Resume_Extend_ReanchorsTheScheduleLikeContinuingInMemory_NotLikeAStraightRun()
    {
        string dir = Dir("run");
        double[] continued;
        using (var run = TrainingRun.Prepare(Small(Dir("memory"))))
        {
            run.Train();
            run.Agent.Learn(800); // what --extend promises: the saved agent, trained on to the new budget
            continued = DeterminismTests.Flatten(run.Agent.Policy.Parameters);
        }

        Train(Small(dir));
        var (extended, extendedParameters) = Train(Resume(dir, 800, extend: true));
        Assert.Equal(800, extended.Progress.EnvSteps);
        CheckpointTestKit.AssertBits(continued, extendedParameters, "parameters");

        // Under a linear schedule that is not one straight 800-step run; README says so.
        var (_, straight800) = Train(Small(Dir("straight800"), 800));
        Assert.NotEqual(straight800, extendedParameters);
        Assert.Equal(Enumerable.Range(1, 20).Select(i => (long)i), Updates(dir));
    }

    [Fact]
    public void Resume_AfterACrashPastTheCheckpoint_MetricsHoldEachUpdateOnce()
    {
        // The crashed run checkpointed at update 3 and wrote rows up to update 6 (and half of a 7th) before dying.
        string dir = Dir("run");
        Train(Small(dir), stopAt: 3);
        string saved = Dir("saved");
        Directory.CreateDirectory(saved);
        foreach (string f in (string[])[Checkpoint.ModelFileName, Checkpoint.ConfigFileName])
        {
            File.Copy(Path.Combine(dir, f), Path.Combine(saved, f));
        }

        Train(Resume(dir), stopAt: 6);
        foreach (string f in (string[])[Checkpoint.ModelFileName, Checkpoint.ConfigFileName])
        {
            File.Copy(Path.Combine(saved, f), Path.Combine(dir, f), overwrite: true);
        }

        Assert.Equal([1L, 2, 3, 4, 5, 6], Updates(dir));
        File.AppendAllText(Path.Combine(dir, "metrics.jsonl"), "{\"update\":7,\"env_st");
        File.AppendAllText(Path.Combine(dir, "metrics.csv"), "7,28");

        Train(Resume(dir));
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), Updates(dir));
        string[] csv = File.ReadAllLines(Path.Combine(dir, "metrics.csv"));
        Assert.Equal(11, csv.Length);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), csv.Skip(1).Select(l => l.Split(',')[0]));
    }

    [Fact]
    public void ExplosionWatch_ValueLossOrKlPastTheBound_WarnsOnceNamingTheUpdate()
    {
        var watch = new ExplosionWatch();
        var progress = new TrainingProgress(new EpisodeStatistics(1)) { Updates = 3 };
        var sane = MetricsRecord.CreateStandard().Set(MetricNames.ValueLoss, 12.5).Set(MetricNames.ApproxKl, 0.02);
        Assert.True(watch.OnUpdate(progress, sane));
        Assert.Null(watch.Warning);

        progress.Updates = 4;
        Assert.True(watch.OnUpdate(progress, MetricsRecord.CreateStandard().Set(MetricNames.ValueLoss, 4e9)));
        Assert.Contains("at update 4 value_loss was 4E+09", watch.Warning);
        progress.Updates = 5;
        watch.OnUpdate(progress, MetricsRecord.CreateStandard().Set(MetricNames.ApproxKl, 50.0));
        Assert.Contains("update 4", watch.Warning);

        var kl = new ExplosionWatch();
        kl.OnUpdate(progress, MetricsRecord.CreateStandard().Set(MetricNames.ApproxKl, 11.0));
        Assert.Contains("approx_kl was 11", kl.Warning);
    }

    [Fact]
    public void Train_SaneRun_SummaryWarningIsNull()
    {
        var (result, _) = Train(Small(Dir("run")));
        Assert.Null(result.Warning);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir("run"), "summary.json")));
        Assert.Equal(JsonValueKind.Null, summary.RootElement.GetProperty("warning").ValueKind);
    }
}
