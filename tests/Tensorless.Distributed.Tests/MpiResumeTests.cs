using System.Diagnostics;
using System.Text.Json;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Runs;

namespace Tensorless.Distributed.Tests;

/// <summary>
/// 2-rank <c>mpirun tensorless train --distributed</c>: a resume that ends with the uninterrupted run's bits, a target
/// both ranks stop at together, and a rank killed mid-training (the job ends, non-zero, in bounded time; the run folder
/// still loads and resumes). The tests return early, printing why, where OpenMPI is not installed.
/// </summary>
public class MpiResumeTests : IDisposable
{
    private const string Constant = "--set learning_rate_schedule=constant --set clip_range_schedule=constant --set normalize_observations=true";
    private readonly string _root = Directory.CreateTempSubdirectory("tl-mpi-resume-").FullName;

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        GC.SuppressFinalize(this);
    }

    private static JsonElement Progress(string dir)
    {
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, Checkpoint.ConfigFileName)));
        return config.RootElement.GetProperty("progress").Clone();
    }

    [Fact]
    public void Mpirun_ResumeExtended_SameBitsAsStraightRun()
    {
        if (MpiHarness.SkipReason() is string reason)
        {
            Console.WriteLine($"skipped: {reason}");
            return;
        }

        string dir = Path.Combine(_root, "run");
        var (code, output) = MpiHarness.Run(2, $"train --distributed --algo ppo --env CartPole-v1 --seed 7 --total-steps 2048 --threads 1 --eval-episodes 0 --target none {Constant} --plain --out {dir}", TimeSpan.FromMinutes(2));
        Assert.True(code == 0, output);
        Assert.True(Directory.Exists(SynchronizedCheckpoint.RankDirectory(dir, 1, 4)), output);
        (code, output) = MpiHarness.Run(2, $"train --distributed --resume {dir} --extend --total-steps 4096 --eval-episodes 0 --target none --plain", TimeSpan.FromMinutes(2));
        Assert.True(code == 0, output);
        Assert.Contains("resumed at update 4, each from its own checkpoint", output);

        // the straight 4096-step run, on thread-ranks (which equal MPI ranks bit for bit, MpiTrainingTests)
        var request = new RunRequest
        {
            Algorithm = "ppo",
            EnvId = "CartPole-v1",
            Seed = 7,
            TotalSteps = 4096,
            NoTarget = true,
            EvalEpisodes = 0,
            Threads = 1,
            Overrides = ["learning_rate_schedule=constant", "clip_range_schedule=constant", "normalize_observations=true"],
            OutputDirectory = Path.Combine(_root, "straight"),
        };
        var group = ThreadCommunicator.CreateGroup(2);
        var threads = group.Select(c => new Thread(() =>
        {
            using var run = DistributedRun.Prepare(request, c);
            run.Train();
        })).ToArray();
        Array.ForEach(threads, t => t.Start());
        Array.ForEach(threads, t => t.Join());
        double[] straight = [.. TrainedPolicy.Load(request.OutputDirectory).Network.Parameters.SelectMany(p => p.Data.ToArray())];
        double[] resumed = [.. TrainedPolicy.Load(dir).Network.Parameters.SelectMany(p => p.Data.ToArray())];
        Assert.Equal(8, Progress(dir).GetProperty("updates").GetInt32());
        Assert.Equal(straight, resumed);
    }

    [Fact]
    public void Mpirun_Target_BothRanksStopAtTheSameUpdateSolved()
    {
        if (MpiHarness.SkipReason() is string reason)
        {
            Console.WriteLine($"skipped: {reason}");
            return;
        }

        string dir = Path.Combine(_root, "target");
        var (code, output) = MpiHarness.Run(2, $"train --distributed --algo ppo --env CartPole-v1 --seed 3 --total-steps 400000 --threads 1 --eval-episodes 0 --target 40 --plain --out {dir}", TimeSpan.FromMinutes(2));
        Assert.True(code == 0, output);
        Assert.Contains("Solved:", output);
        Assert.Contains("Over all ranks: the last 100 training episodes (50 per rank) averaged", output);
        using var summary = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "summary.json")));
        Assert.Equal("solved", summary.RootElement.GetProperty("status").GetString());
        // rank 1's final checkpoint is of the update rank 0 stopped at: it stopped there too (else the job would hang)
        int updates = Progress(dir).GetProperty("updates").GetInt32();
        Assert.True(updates < 200, output);
        string rank1 = SynchronizedCheckpoint.RankDirectory(dir, 1, updates);
        Assert.True(Directory.Exists(rank1), output);
        Assert.Equal(updates, Progress(rank1).GetProperty("updates").GetInt32());
        Assert.Equal(JsonValueKind.Number, Progress(rank1).GetProperty("solved_at_env_steps").ValueKind);
    }

    [Fact]
    public async Task Mpirun_RankKilled_JobEndsInBoundedTimeAndTheRunResumes()
    {
        if (MpiHarness.SkipReason() is string reason)
        {
            Console.WriteLine($"skipped: {reason}");
            return;
        }

        string dir = Path.Combine(_root, "killed");
        using var mpirun = MpiHarness.Start(2, $"train --distributed --algo ppo --env CartPole-v1 --seed 5 --total-steps 100000000 --threads 1 --eval-episodes 0 --target none --checkpoint-every 0.2 --plain --out {dir}");
        var stdout = mpirun.StandardOutput.ReadToEndAsync();
        var stderr = mpirun.StandardError.ReadToEndAsync();
        try
        {
            // wait for a few synchronised checkpoints, so the kill lands mid-training, perhaps mid-save
            var wait = Stopwatch.StartNew();
            while (!(File.Exists(Path.Combine(dir, Checkpoint.ConfigFileName)) && Progress(dir).GetProperty("updates").GetInt32() >= 10))
            {
                Assert.True(wait.Elapsed < TimeSpan.FromSeconds(90) && !mpirun.HasExited, $"no checkpoint past update 10 within 90 s\n{(mpirun.HasExited ? await stdout + await stderr : "")}");
                await Task.Delay(100);
            }

            int pid = MpiHarness.RankProcess(mpirun, 1) ?? throw new InvalidOperationException("rank 1's process not found under mpirun");
            var killedAt = Stopwatch.StartNew();
            Process.GetProcessById(pid).Kill();
            Assert.True(mpirun.WaitForExit(TimeSpan.FromSeconds(30)), "mpirun still running 30 s after rank 1 was killed");
            Console.WriteLine($"mpirun exited {killedAt.Elapsed.TotalSeconds:F1} s after rank 1 was killed, code {mpirun.ExitCode}");
            Assert.NotEqual(0, mpirun.ExitCode);
        }
        finally
        {
            if (!mpirun.HasExited)
            {
                mpirun.Kill(entireProcessTree: true);
            }
        }

        mpirun.WaitForExit();
        string output = await stdout + await stderr;
        Assert.Contains("rank 1", output);
        // the last checkpoint is intact, and the run continues from it: every rank from its own checkpoint of that update
        Assert.NotEmpty(TrainedPolicy.Load(dir).Network.Parameters);
        long steps = Progress(dir).GetProperty("env_steps").GetInt64();
        var (code, resumed) = MpiHarness.Run(2, $"train --distributed --resume {dir} --extend --total-steps {2 * (steps + 512)} --eval-episodes 0 --plain", TimeSpan.FromMinutes(2));
        Assert.True(code == 0, output + resumed);
        Assert.Contains("each from its own checkpoint", resumed);
        Assert.Equal(steps + 512, Progress(dir).GetProperty("env_steps").GetInt64());
    }
}
