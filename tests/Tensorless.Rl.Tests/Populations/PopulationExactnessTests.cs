using Tensorless.Rl.Populations;
using Tensorless.Rl.Tests.Algorithms;
using Tensorless.Rl.Tests.Checkpoints;

namespace Tensorless.Rl.Tests.Populations;

/// <summary>
/// The population contract (issue 10): member k of a population ends with the bits of the same run trained alone on one
/// thread, for any population size and thread count, with members that differ in seed and hyperparameters.
/// </summary>
public sealed class PopulationExactnessTests : IDisposable
{
    private readonly string _dir = CheckpointTestKit.TempDirectory();

    public void Dispose() => CheckpointTestKit.Dispose(_dir);

    /// <summary>Small configurations of each algorithm and env the contract names: a few updates each.</summary>
    public static TheoryData<string, string, int, int> Cases()
    {
        var data = new TheoryData<string, string, int, int>();
        foreach (var (algo, env) in new[] { ("ppo", "CartPole-v1"), ("a2c", "CartPole-v1"), ("ppo", "Pendulum-v1"), ("a2c", "Pendulum-v1") })
        {
            data.Add(algo, env, 1, 1);
            data.Add(algo, env, 3, 2);
            data.Add(algo, env, 8, 3);
        }

        return data;
    }

    /// <summary>Member k: seed k + 1 and its own learning rate and gamma (options that keep the tensor shapes).</summary>
    internal static RunRequest Member(string algo, string env, int k, string directory)
    {
        string[] shape = (algo, env) switch
        {
            ("ppo", "CartPole-v1") => ["num_envs=4", "n_steps=32", "batch_size=32", "n_epochs=2"],
            ("ppo", _) => ["num_envs=2", "n_steps=32", "batch_size=32", "n_epochs=2"],
            _ => ["num_envs=4", "n_steps=8"],
        };
        return new RunRequest
        {
            Algorithm = algo,
            EnvId = env,
            Seed = (ulong)k + 1,
            TotalSteps = 4L * (algo == "ppo" && env == "CartPole-v1" ? 128 : algo == "ppo" ? 64 : 32) * 3,
            NoTarget = true,
            EvalEpisodes = 0,
            OutputDirectory = directory,
            Overrides = [.. shape, "policy.hidden_sizes=[16,16]", $"learning_rate={1e-3 * (1 + (0.25 * k))}", $"gamma={0.99 - (0.01 * k)}", "learning_rate_schedule=Linear"],
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EveryMember_EqualsItsSoloRunBitForBit(string algo, string env, int members, int threads)
    {
        var request = new PopulationRequest
        {
            Members = [.. Enumerable.Range(0, members).Select(k => Member(algo, env, k, Path.Combine(_dir, "pop", $"m{k}")))],
            Directory = Path.Combine(_dir, "pop"),
            Threads = threads,
        };
        using var population = PopulationRun.Prepare(request);
        var result = population.Train();
        Assert.Equal(members, result.Members.Count);
        for (int k = 0; k < members; k++)
        {
            using var solo = TrainingRun.Prepare(Member(algo, env, k, Path.Combine(_dir, $"solo{k}")) with { Threads = 1 });
            var soloResult = solo.Train();
            var member = population.Members[k]!;
            Assert.Equal(soloResult.Progress.EnvSteps, result.Members[k].EnvSteps);
            Assert.Equal(soloResult.Progress.Updates, member.Agent.Learner.Progress.Updates);
            Assert.Equal(DeterminismTests.Flatten(solo.Agent.Policy.Parameters), DeterminismTests.Flatten(member.Agent.Policy.Parameters));
            Assert.Equal(Column(Path.Combine(_dir, $"solo{k}"), "policy_loss"), Column(Path.Combine(_dir, "pop", $"m{k}"), "policy_loss"));
            Assert.Equal(Column(Path.Combine(_dir, $"solo{k}"), "episode_return_mean"), Column(Path.Combine(_dir, "pop", $"m{k}"), "episode_return_mean"));
        }
    }

    [Fact]
    public void MembersWithTargets_StopOnTheirOwnUpdate_AsTheirSoloRunsDo()
    {
        RunRequest Make(int k, string dir) => Member("ppo", "CartPole-v1", k, dir) with { NoTarget = false, Target = 20, TotalSteps = 20_000 };
        var request = new PopulationRequest
        {
            Members = [.. Enumerable.Range(0, 4).Select(k => Make(k, Path.Combine(_dir, "pop", $"m{k}")))],
            Directory = Path.Combine(_dir, "pop"),
            Threads = 2,
        };
        using var population = PopulationRun.Prepare(request);
        var result = population.Train();
        Assert.Equal(4, result.Solved);
        for (int k = 0; k < 4; k++)
        {
            var solo = TrainingRun.Run(Make(k, Path.Combine(_dir, $"solo{k}")) with { Threads = 1 });
            Assert.Equal(RunStatus.Solved, solo.Status);
            Assert.Equal(solo.Progress.SolvedAtEnvSteps, result.Members[k].SolvedAtEnvSteps);
            Assert.Equal(solo.Progress.EnvSteps, result.Members[k].EnvSteps);
        }

        // they solve at different updates, so the lockstep really carried on without the ones that stopped
        Assert.True(result.Members.Select(m => m.EnvSteps).Distinct().Count() > 1, "every member stopped at the same update; the test proves nothing");
    }

    /// <summary>A column of a run's metrics.csv, as text (bit-exact comparison).</summary>
    internal static string[] Column(string directory, string name)
    {
        var lines = File.ReadAllLines(Path.Combine(directory, "metrics.csv"));
        int column = Array.IndexOf(lines[0].Split(','), name);
        Assert.True(column >= 0, $"metrics.csv has no column {name}");
        return [.. lines.Skip(1).Select(l => l.Split(',')[column])];
    }
}
