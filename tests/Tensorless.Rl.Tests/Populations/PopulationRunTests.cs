using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Populations;
using Tensorless.Rl.Tests.Algorithms;
using Tensorless.Rl.Tests.Checkpoints;

namespace Tensorless.Rl.Tests.Populations;

/// <summary>Population directories (issue 10): members as ordinary runs, population.json, exact resume, clear errors.</summary>
public sealed class PopulationRunTests : IDisposable
{
    private readonly string _dir = CheckpointTestKit.TempDirectory();

    public void Dispose() => CheckpointTestKit.Dispose(_dir);

    private string Pop => Path.Combine(_dir, "pop");

    private static RunRequest Template => new()
    {
        Algorithm = "a2c", TotalSteps = 320, NoTarget = true, EvalEpisodes = 2,
        Overrides = ["num_envs=4", "n_steps=8", "policy.hidden_sizes=[8]", "learning_rate_schedule=Linear"],
    };

    private PopulationRequest Seeds(int count, int threads = 2, RunRequest? template = null) =>
        PopulationRequest.ForSeeds(template ?? Template, [.. Enumerable.Range(1, count).Select(s => (ulong)s)], Pop, threads);

    [Fact]
    public void ForSeeds_WritesOneOrdinaryRunDirectoryPerSeed_AndTheOutcomesIntoPopulationJson()
    {
        using (var population = PopulationRun.Prepare(Seeds(3)))
        {
            var result = population.Train();
            Assert.False(result.Interrupted);
            Assert.All(result.Members, m => Assert.Equal(RunStatus.BudgetExhausted, m.Status));
            Assert.Equal(3 * 320, result.StepsThisProcess);
        }

        foreach (int seed in new[] { 1, 2, 3 })
        {
            string member = Path.Combine(Pop, $"seed{seed}");
            foreach (string file in new[] { "summary.json", "metrics.csv", "metrics.jsonl", "model.safetensors", "config.json", "curve.svg" })
            {
                Assert.True(File.Exists(Path.Combine(member, file)), $"{member} lacks {file}");
            }

            // an ordinary run: it loads for evaluation, and its summary names its own seed and one thread
            using var agent = Checkpoint.Resume(member);
            Assert.Equal((ulong)seed, agent.Options.OnPolicy.Seed);
            using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(member, "summary.json")));
            Assert.Equal(seed, summary.RootElement.GetProperty("seed").GetInt32());
            Assert.Equal(1, summary.RootElement.GetProperty("threads").GetInt32());
            Assert.Equal(2, summary.RootElement.GetProperty("eval_episodes").GetInt32());
        }

        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Pop, "population.json")));
        var members = manifest.RootElement.GetProperty("members");
        Assert.Equal(3, members.GetArrayLength());
        Assert.Equal("seed2", members[1].GetProperty("directory").GetString());
        Assert.Equal("budget_exhausted", members[1].GetProperty("status").GetString());
    }

    [Fact]
    public void Resume_AfterAnInterruption_EndsWithTheBitsOfAnUninterruptedPopulation()
    {
        // member 0 has a smaller budget: it finishes before the interruption, and the resume must leave it alone
        var template = Template;
        RunRequest Make(int k, string root) => template with
        {
            Seed = (ulong)k + 1,
            TotalSteps = k == 0 ? 64 : 320,
            OutputDirectory = Path.Combine(root, $"m{k}"),
            CheckpointInterval = TimeSpan.FromHours(1),
        };

        string straight = Path.Combine(_dir, "straight");
        using (var p = PopulationRun.Prepare(new PopulationRequest { Members = [.. Enumerable.Range(0, 3).Select(k => Make(k, straight))], Directory = straight, Threads = 2 }))
        {
            p.Train();
        }

        using (var cancel = new CancellationTokenSource())
        using (var p = PopulationRun.Prepare(new PopulationRequest { Members = [.. Enumerable.Range(0, 3).Select(k => Make(k, Pop))], Directory = Pop, Threads = 2 }))
        {
            int ticks = 0;
            var interrupted = p.Train(_ => { if (++ticks == 4) { cancel.Cancel(); } }, cancel.Token);
            Assert.True(interrupted.Interrupted);
            Assert.Equal(RunStatus.BudgetExhausted, interrupted.Members[0].Status);
            Assert.Equal(RunStatus.Interrupted, interrupted.Members[1].Status);
        }

        string finishedModel = Path.Combine(Pop, "m0", "model.safetensors");
        var before = File.GetLastWriteTimeUtc(finishedModel);
        using (var resumed = PopulationRun.Resume(Pop, threads: 1))
        {
            Assert.Null(resumed.Members[0]);
            var result = resumed.Train();
            Assert.False(result.Members[0].Trained);
            Assert.All(result.Members, m => Assert.Equal(RunStatus.BudgetExhausted, m.Status));
            for (int k = 1; k < 3; k++)
            {
                using var reference = Checkpoint.Resume(Path.Combine(straight, $"m{k}"));
                Assert.Equal(DeterminismTests.Flatten(reference.Policy.Parameters), DeterminismTests.Flatten(resumed.Members[k]!.Agent.Policy.Parameters));
            }
        }

        Assert.Equal(before, File.GetLastWriteTimeUtc(finishedModel));
        Assert.Equal(PopulationExactnessTests.Column(Path.Combine(straight, "m1"), "policy_loss"), PopulationExactnessTests.Column(Path.Combine(Pop, "m1"), "policy_loss"));
    }

    [Fact]
    public void Resume_AMemberThatNeverSaved_StartsItAgainFromItsRequest()
    {
        using (var p = PopulationRun.Prepare(Seeds(2)))
        {
            // prepared, never trained: no member has a checkpoint yet (a crash before the first save)
        }

        using var resumed = PopulationRun.Resume(Pop);
        var result = resumed.Train();
        Assert.All(result.Members, m => Assert.Equal(320, m.EnvSteps));
    }

    [Fact]
    public void Prepare_RefusesAnExistingPopulation_AndNamesBadMembers()
    {
        using (PopulationRun.Prepare(Seeds(1)))
        {
        }

        var again = Assert.Throws<IOException>(() => PopulationRun.Prepare(Seeds(1)));
        Assert.Contains("--resume", again.Message);

        string other = Path.Combine(_dir, "other");
        var threads = Assert.Throws<ArgumentException>(() => PopulationRun.Prepare(new PopulationRequest
        {
            Members = [Template with { OutputDirectory = Path.Combine(other, "a") }, Template with { OutputDirectory = Path.Combine(other, "b"), Threads = 2 }],
            Directory = other,
        }));
        Assert.Contains("member 1", threads.Message);

        var shared = Assert.Throws<ArgumentException>(() => PopulationRun.Prepare(new PopulationRequest
        {
            Members = [Template with { OutputDirectory = Path.Combine(other, "a") }, Template with { OutputDirectory = Path.Combine(other, "a") }],
            Directory = other,
        }));
        Assert.Contains("share the directory", shared.Message);

        var env = Assert.Throws<ArgumentException>(() => PopulationRun.Prepare(new PopulationRequest
        {
            Members = [Template with { OutputDirectory = Path.Combine(other, "a") }, Template with { EnvId = "NoSuchEnv-v9", OutputDirectory = Path.Combine(other, "b") }],
            Directory = other,
        }));
        Assert.Contains("member 1", env.Message);
        Assert.Contains("NoSuchEnv-v9", env.Message);
        Assert.False(File.Exists(Path.Combine(other, "population.json")));

        Assert.Throws<ArgumentException>(() => PopulationRequest.ForSeeds(Template, [1, 2, 1], other));
        Assert.Throws<ArgumentException>(() => PopulationRun.Prepare(Seeds(2, threads: 0)));
    }

    [Fact]
    public void Resume_RefusesAFolderThatIsNoPopulation_OrACorruptManifest()
    {
        Directory.CreateDirectory(Pop);
        var missing = Assert.Throws<InvalidDataException>(() => PopulationRun.Resume(Pop));
        Assert.Contains("population.json", missing.Message);

        File.WriteAllText(Path.Combine(Pop, "population.json"), "{\"format\": \"tensorless-population\", \"version\": 1, \"threads\": 2, \"members\": [{\"dire");
        var corrupt = Assert.Throws<InvalidDataException>(() => PopulationRun.Resume(Pop));
        Assert.Contains("corrupt", corrupt.Message);
    }
}
