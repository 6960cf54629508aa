using Tensorless.Autodiff.Nn;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Populations;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu.Tests;

/// <summary>
/// A population's rollouts batched on ILGPU's CPU accelerator (<see cref="DevicePopulation"/>): every member's
/// rollout, envs and generator come out with the bits of its own CPU rollout (relu networks, whose device forward pass is
/// the CPU's bits); a population trained on the device ends with the bits of its members trained alone on the device
/// (PPO, whose updates are batched there too) or on the CPU (A2C, whose updates stay on the CPU threads); and an
/// interrupted device population resumes to the bits of an uninterrupted one.
/// </summary>
public sealed class DevicePopulationRolloutTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-gpu-pop-" + Guid.NewGuid().ToString("N"));

    public DevicePopulationRolloutTests() => GpuGradientDevices.Register();

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>Member k: seed 5 + k, 4 envs x 16 steps with a time limit of 12, its own GAE lambda when <paramref name="ownLambda"/>.</summary>
    private static Ppo Member(string env, int k, bool ownLambda) =>
        new(Gym.MakeVector(env, 4, seed: 5 + (ulong)k, maxEpisodeSteps: 12), new PpoOptions
        {
            OnPolicy = new OnPolicyOptions
            {
                NumEnvs = 4, NumSteps = 16, Seed = 5 + (ulong)k, LearningRate = 3e-3 * (k + 1), MaxGradNorm = 0.5,
                GaeLambda = ownLambda ? 0.9 + (0.02 * k) : 0.95,
                Policy = new PolicyOptions { HiddenSizes = [8], Activation = Activation.Relu },
            },
            MinibatchSize = 32,
            NumEpochs = 1,
        });

    [Theory]
    [InlineData("CartPole-v1", 3, false)]
    [InlineData("CartPole-v1", 2, true)]
    [InlineData("Acrobot-v1", 2, false)]
    [InlineData("Pendulum-v1", 2, false)]
    [InlineData("MountainCarContinuous-v0", 3, true)]
    public void BatchedRollouts_AreEachMembersCpuBits(string env, int members, bool ownLambda)
    {
        var cpu = Enumerable.Range(0, members).Select(k => Member(env, k, ownLambda)).ToArray();
        var device = Enumerable.Range(0, members).Select(k => Member(env, k, ownLambda)).ToArray();
        using var batch = GradientDevices.CreatePopulation("ilgpu-cpu", device)!;
        for (int k = 0; k < members; k++)
        {
            device[k].Learner.RolloutDevice = batch.Member(k);
        }

        try
        {
            for (int rollout = 0; rollout < 3; rollout++)
            {
                batch.CollectAll();
                for (int k = 0; k < members; k++)
                {
                    cpu[k].Learner.CollectRollout();
                    device[k].Learner.CollectRollout();
                    DeviceRolloutTests.AssertSameRollout(cpu[k], device[k], $"{env} member {k} of {members}, rollout {rollout}");
                    cpu[k].Update(1.0, MetricsRecord.CreateStandard());
                    DeviceRolloutTests.CopyLearner(cpu[k], device[k]);
                }
            }
        }
        finally
        {
            foreach (var agent in cpu.Concat(device))
            {
                agent.Dispose();
            }
        }
    }

    [Fact]
    public void AMemberTakingItsRolloutTwice_OrAfterMoving_IsRefused()
    {
        using var a = Member("CartPole-v1", 0, false);
        using var b = Member("CartPole-v1", 1, false);
        using var batch = GradientDevices.CreatePopulation("ilgpu-cpu", [a, b])!;
        a.Learner.RolloutDevice = batch.Member(0);
        batch.CollectAll();
        a.Learner.CollectRollout();
        var twice = Assert.Throws<InvalidOperationException>(a.Learner.CollectRollout);
        Assert.Contains("no fresh device rollout", twice.Message, StringComparison.Ordinal);
        batch.CollectAll();
        a.Learner.Rng.NextDouble(); // the learner moved after the batch read it
        Assert.Throws<InvalidOperationException>(a.Learner.CollectRollout);
    }

    [Fact]
    public void MembersThatDifferInShape_AreRefused_WithTheMemberNamed()
    {
        using var a = Member("CartPole-v1", 0, false);
        using var b = new Ppo(Gym.MakeVector("CartPole-v1", 6, seed: 1), new PpoOptions { OnPolicy = new OnPolicyOptions { NumEnvs = 6, NumSteps = 16 }, MinibatchSize = 32 });
        var e = Assert.Throws<NotSupportedException>(() => GradientDevices.CreatePopulation("ilgpu-cpu", [a, b]));
        Assert.Contains("member 1 differs from member 0", e.Message, StringComparison.Ordinal);
        using var c = Member("Pendulum-v1", 1, false);
        Assert.Throws<NotSupportedException>(() => GradientDevices.CreatePopulation("ilgpu-cpu", [a, c]));
    }

    /// <summary>
    /// A population on the device: members the batched update serves (PPO or A2C alike in the shared options) end with
    /// the bits of each member trained alone on the device; members it does not serve (here each with its own entropy
    /// coefficient), whose updates stay on the CPU threads, with the bits of the CPU population.
    /// </summary>
    [Theory]
    [InlineData("ppo", false, true)]
    [InlineData("ppo", true, true)]
    [InlineData("a2c", false, true)]
    [InlineData("ppo", true, false)]
    public void APopulationOnTheDevice_EndsWithItsReferenceBits(string algorithm, bool targets, bool alike)
    {
        bool ppo = algorithm == "ppo";
        RunRequest Make(int k, string dir) => new()
        {
            Algorithm = algorithm,
            EnvId = "CartPole-v1",
            Seed = (ulong)k + 1,
            TotalSteps = targets ? 20_000 : 4L * 32 * 3,
            Target = targets ? 20 : null,
            NoTarget = !targets,
            EvalEpisodes = 0,
            OutputDirectory = dir,
            Overrides = [.. (ppo ? new[] { "num_envs=4", "n_steps=32", "batch_size=32", "n_epochs=2" } : ["num_envs=4", "n_steps=8"]), "policy.hidden_sizes=[16]", "policy.activation=relu", $"learning_rate={1e-3 * (1 + k)}", $"ent_coef={(alike ? 0.0 : 0.01 * k)}"],
        };
        PopulationRequest Population(string name, string? device) => new()
        {
            Members = [.. Enumerable.Range(0, 3).Select(k => Make(k, Path.Combine(_dir, name, $"m{k}")))],
            Directory = Path.Combine(_dir, name),
            Threads = 2,
            Device = device,
        };

        var expected = new (long Steps, long? Solved, double[] Bits)[3];
        if (alike)
        {
            for (int k = 0; k < 3; k++)
            {
                using var alone = TrainingRun.Prepare(Make(k, Path.Combine(_dir, "alone", $"m{k}")) with { Device = "ilgpu-cpu" });
                var r = alone.Train();
                expected[k] = (r.Progress.EnvSteps, r.Progress.SolvedAtEnvSteps, Flatten(alone.Agent));
            }
        }
        else
        {
            using var onCpu = PopulationRun.Prepare(Population("cpu", null));
            var r = onCpu.Train();
            for (int k = 0; k < 3; k++)
            {
                expected[k] = (r.Members[k].EnvSteps, r.Members[k].SolvedAtEnvSteps, Flatten(onCpu.Members[k]!.Agent));
            }
        }

        using var onDevice = PopulationRun.Prepare(Population("device", "ilgpu-cpu"));
        Assert.StartsWith("ilgpu-cpu", onDevice.DeviceName, StringComparison.Ordinal);
        Assert.Equal(alike, onDevice.UpdatesOnDevice);
        Assert.Equal(alike, onDevice.UpdateUnavailableReason is null);
        var actual = onDevice.Train();
        for (int k = 0; k < 3; k++)
        {
            Assert.Equal(expected[k].Steps, actual.Members[k].EnvSteps);
            Assert.Equal(expected[k].Solved, actual.Members[k].SolvedAtEnvSteps);
            Assert.Equal(expected[k].Bits, Flatten(onDevice.Members[k]!.Agent));
        }

        if (targets)
        {
            Assert.True(actual.Members.Select(m => m.EnvSteps).Distinct().Count() > 1, "every member stopped at the same update; the batch never ran past a stopped member");
        }
    }

    private static double[] Flatten(IOnPolicyAlgorithm agent) => [.. agent.Policy.Parameters.SelectMany(p => p.Data.ToArray())];

    /// <summary>Member k of the resume tests: relu, 4 envs x 32 steps; member 0 finishes before the interruption.</summary>
    private static RunRequest ResumeMember(int k, string root) => new()
    {
        Algorithm = "ppo",
        EnvId = "CartPole-v1",
        Seed = (ulong)k + 1,
        TotalSteps = k == 0 ? 128 : 4L * 32 * 6,
        NoTarget = true,
        EvalEpisodes = 0,
        OutputDirectory = Path.Combine(root, $"m{k}"),
        CheckpointInterval = TimeSpan.FromHours(1),
        Overrides = ["num_envs=4", "n_steps=32", "batch_size=32", "n_epochs=1", "policy.hidden_sizes=[16]", "policy.activation=relu"],
    };

    [Fact]
    public void APopulationInterruptedOnTheDevice_Resumes_ToTheBitsOfAnUninterruptedOne()
    {
        string straight = Path.Combine(_dir, "straight"), pop = Path.Combine(_dir, "pop");
        using (var p = PopulationRun.Prepare(new PopulationRequest { Members = [.. Enumerable.Range(0, 3).Select(k => ResumeMember(k, straight))], Directory = straight, Threads = 2, Device = "ilgpu-cpu" }))
        {
            p.Train();
        }

        using (var cancel = new CancellationTokenSource())
        using (var p = PopulationRun.Prepare(new PopulationRequest { Members = [.. Enumerable.Range(0, 3).Select(k => ResumeMember(k, pop))], Directory = pop, Threads = 2, Device = "ilgpu-cpu" }))
        {
            int ticks = 0;
            var interrupted = p.Train(_ => { if (++ticks == 3) { cancel.Cancel(); } }, cancel.Token);
            Assert.True(interrupted.Interrupted);
        }

        // resumed on the device again (rollouts and updates); the reference ran on the device without a stop
        using var resumed = PopulationRun.Resume(pop, threads: 1, device: "ilgpu-cpu");
        Assert.Null(resumed.Members[0]); // finished before the interruption; the batch holds the other two
        Assert.NotNull(resumed.DeviceName);
        resumed.Train();
        for (int k = 1; k < 3; k++)
        {
            using var solo = Tensorless.Rl.Checkpoints.Checkpoint.Resume(Path.Combine(straight, $"m{k}"));
            var expected = solo.Policy.Parameters.SelectMany(q => q.Data.ToArray()).ToArray();
            var actual = resumed.Members[k]!.Agent.Policy.Parameters.SelectMany(q => q.Data.ToArray()).ToArray();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void ABatchedUpdateThatFails_FailsEachMemberByName_AsAFailedTrainStepWould()
    {
        // a device whose batched update fails on the second tick (as a GPU that is lost would): the real device rollouts
        // and updates, then an exception from UpdateAll
        GradientDevices.RegisterPopulation("failing-test", members => new FailingOnSecondUpdate(DevicePopulation.Create(DeviceKind.IlgpuCpu, members)));
        string pop = Path.Combine(_dir, "failing");
        using var population = PopulationRun.Prepare(new PopulationRequest
        {
            Members = [.. Enumerable.Range(1, 2).Select(k => ResumeMember(k, pop))],
            Directory = pop,
            Threads = 2,
            Device = "failing-test",
        });
        Assert.True(population.UpdatesOnDevice);
        var e = Assert.Throws<InvalidOperationException>(() => population.Train());
        Assert.Matches("Population member [01] .* failed: The population's batched update on .* failed: the device was lost", e.Message);
        foreach (var member in population.Members)
        {
            // each member ended as a failed TrainStep ends a run: no save over what it left, nothing to finish
            Assert.Contains("failed during TrainStep", Assert.Throws<InvalidOperationException>(() => member!.FinishTraining()).Message, StringComparison.Ordinal);
        }
    }

    /// <summary>A population device that delegates to a real one and fails its second batched update.</summary>
    private sealed class FailingOnSecondUpdate(DevicePopulation inner) : IPopulationRolloutDevice, IPopulationUpdateDevice
    {
        private int _updates;

        public string Name => "failing-test";

        public string? UpdateUnavailableReason => inner.UpdateUnavailableReason;

        public void CollectAll() => inner.CollectAll();

        public IRolloutDevice Member(int index) => inner.Member(index);

        public void UpdateAll(ReadOnlySpan<int> members, ReadOnlySpan<double> progressRemaining, IReadOnlyList<MetricsRecord> metrics, Exception?[] errors, int threads = 1)
        {
            if (++_updates == 2)
            {
                throw new InvalidOperationException("the device was lost");
            }

            inner.UpdateAll(members, progressRemaining, metrics, errors, threads);
        }

        public void Dispose() => inner.Dispose();
    }

    [Fact]
    public void APopulationWhoseDeviceFails_LeavesNoPopulationBehind()
    {
        string pop = Path.Combine(_dir, "refused");
        RunRequest Make(int k) => ResumeMember(k, pop) with { Overrides = [.. ResumeMember(k, pop).Overrides, "normalize_observations=true"] };
        var e = Assert.Throws<NotSupportedException>(() => PopulationRun.Prepare(new PopulationRequest { Members = [Make(1), Make(2)], Directory = pop, Device = "ilgpu-cpu" }));
        Assert.Contains("normalize_observations=false", e.Message, StringComparison.Ordinal);
        Assert.False(PopulationRun.IsPopulation(pop));
        using var again = PopulationRun.Prepare(new PopulationRequest { Members = [Make(1), Make(2)], Directory = pop }); // on the CPU it starts
        Assert.Null(again.DeviceName);
    }
}
