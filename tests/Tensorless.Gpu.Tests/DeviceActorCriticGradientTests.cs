using Tensorless.Autodiff.Nn;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;
using Xunit.Abstractions;

namespace Tensorless.Gpu.Tests;

/// <summary>PPO's and A2C's gradients on ILGPU's CPU accelerator against the CPU tape, and training runs on a device (issue 11).</summary>
public sealed class DeviceActorCriticGradientTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-gpu-" + Guid.NewGuid().ToString("N"));
    private readonly ITestOutputHelper _output;

    public DeviceActorCriticGradientTests(ITestOutputHelper output)
    {
        _output = output;
        GpuGradientDevices.Register();
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    /// <summary>4 envs x 16 steps, a [8, 8] network, seed 3; with <paramref name="valueFit"/> the seeds' separate value fit.</summary>
    private static OnPolicyOptions Small(Activation activation = Activation.Tanh, bool valueFit = false, OptimizerKind optimizer = OptimizerKind.Adam) => new()
    {
        NumEnvs = 4, NumSteps = 16, Seed = 3, EntCoef = 0.01, LearningRate = 1e-3, Optimizer = optimizer, MaxGradNorm = 0.5,
        TrainValueIterations = valueFit ? 3 : 0, ValueLearningRate = valueFit ? 1e-2 : null,
        Policy = new PolicyOptions { HiddenSizes = [8, 8], Activation = activation },
    };

    /// <summary>A small PPO: minibatches of 32, 2 epochs.</summary>
    private static Ppo SmallPpo(string env, Activation activation = Activation.Tanh, bool valueFit = false) =>
        new(Gym.MakeVector(env, 4, seed: 3), new PpoOptions { OnPolicy = Small(activation, valueFit), MinibatchSize = 32, NumEpochs = 2 });

    private static A2c SmallA2c(string env, bool valueFit = false, OptimizerKind optimizer = OptimizerKind.Adam) =>
        new(Gym.MakeVector(env, 4, seed: 3), new A2cOptions { OnPolicy = Small(valueFit: valueFit, optimizer: optimizer) });

    private static double[] Flatten(IOnPolicyAlgorithm agent) => [.. agent.Policy.Parameters.SelectMany(p => p.Data.ToArray())];

    /// <summary>
    /// Three updates of <paramref name="cpu"/> on the tape and of <paramref name="device"/> (the same run) on ILGPU's CPU
    /// accelerator (parameters, clipping and the optimizer step on the device for the update); after each the parameters,
    /// the optimizer's moments and step count, and the logged losses agree within 1e-10 relative.
    /// </summary>
    private void AssertSameUpdates(IOnPolicyAlgorithm cpu, IOnPolicyAlgorithm device, string context)
    {
        device.Learner.Device = GradientDevices.Create("ilgpu-cpu", device);
        try
        {
            var m1 = MetricsRecord.CreateStandard();
            var m2 = MetricsRecord.CreateStandard();
            for (int update = 0; update < 3; update++)
            {
                cpu.Learner.CollectRollout();
                device.Learner.CollectRollout();
                m1.Clear();
                m2.Clear();
                cpu.Update(1.0, m1);
                device.Update(1.0, m2);
                var a = Flatten(cpu);
                var b = Flatten(device);
                double worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1.0, Math.Abs(p.First)));
                _output.WriteLine($"{context}, update {update}: largest parameter difference {worst:E2}");
                // the device's tanh and its summation orders differ from the CPU's by rounding (docs/gpu.md); three updates keep that near 1e-15
                Assert.True(worst < 1e-10, $"{context}, update {update}: parameters differ by {worst:E2} (relative)");
                AssertSameOptimizerState(cpu, device, $"{context}, update {update}");
                Assert.Equal(m1[MetricNames.PolicyLoss].AsDouble(), m2[MetricNames.PolicyLoss].AsDouble(), 1e-10);
                Assert.Equal(m1[MetricNames.ValueLoss].AsDouble(), m2[MetricNames.ValueLoss].AsDouble(), 1e-10);
                Assert.Equal(m1[MetricNames.Entropy].AsDouble(), m2[MetricNames.Entropy].AsDouble(), 1e-10);
            }
        }
        finally
        {
            device.Learner.Device?.Dispose();
            device.Learner.Device = null;
        }
    }

    // the moments came back from the device at the end of the update; the step count advanced once per minibatch
    private static void AssertSameOptimizerState(IOnPolicyAlgorithm cpu, IOnPolicyAlgorithm device, string context)
    {
        for (int i = 0; i < cpu.Optimizers.Count; i++)
        {
            var expected = cpu.Optimizers[i].Optimizer.ExportState();
            var actual = device.Optimizers[i].Optimizer.ExportState();
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            Assert.True(cpu.Optimizers[i].Optimizer.StepCount > 0, context + ": no optimizer step was taken");
            foreach (var (key, values) in expected)
            {
                double worst = values.Zip(actual[key]).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1e-3, Math.Abs(p.First)));
                Assert.True(worst < 1e-10, $"{context}: optimizer state {key} differs by {worst:E2} (relative)");
            }
        }
    }

    [Theory]
    [InlineData(Activation.Tanh)]
    [InlineData(Activation.Relu)]
    public void PpoUpdates_OnTheCpuAccelerator_StayWithinRoundingOfTheCpu(Activation activation)
    {
        using var cpu = SmallPpo("CartPole-v1", activation);
        using var device = SmallPpo("CartPole-v1", activation);
        AssertSameUpdates(cpu, device, $"PPO CartPole {activation}");
    }

    [Theory]
    [InlineData("Pendulum-v1")]
    [InlineData("MountainCarContinuous-v0")]
    public void PpoUpdates_WithAGaussianHead_StayWithinRoundingOfTheCpu(string env)
    {
        using var cpu = SmallPpo(env);
        using var device = SmallPpo(env);
        AssertSameUpdates(cpu, device, "PPO " + env);
        // the log-std is trained on the device too (its gradient holds the entropy bonus and every row's term)
        Assert.NotEqual(0.0, cpu.Policy.LogStd!.Data[0]);
    }

    [Theory]
    [InlineData("CartPole-v1", false, OptimizerKind.Adam)]
    [InlineData("Pendulum-v1", false, OptimizerKind.Adam)]
    [InlineData("CartPole-v1", true, OptimizerKind.Adam)]
    [InlineData("CartPole-v1", false, OptimizerKind.RmsProp)]
    public void A2cUpdates_OnTheCpuAccelerator_StayWithinRoundingOfTheCpu(string env, bool valueFit, OptimizerKind optimizer)
    {
        using var cpu = SmallA2c(env, valueFit, optimizer);
        using var device = SmallA2c(env, valueFit, optimizer);
        AssertSameUpdates(cpu, device, $"A2C {env} {optimizer}{(valueFit ? ", separate value fit" : "")}");
    }

    [Fact]
    public void PpoWithTheSeparateValueFit_OnTheCpuAccelerator_StaysWithinRoundingOfTheCpu()
    {
        using var cpu = SmallPpo("CartPole-v1", valueFit: true);
        using var device = SmallPpo("CartPole-v1", valueFit: true);
        AssertSameUpdates(cpu, device, "PPO CartPole, separate value fit");
    }

    [Fact]
    public void TrainingRun_OnTheCpuAccelerator_TrainsSavesAndResumesOnTheCpu()
    {
        string dir = Path.Combine(_dir, "run");
        var request = new RunRequest
        {
            Algorithm = "ppo", Seed = 2, TotalSteps = 256, NoTarget = true, EvalEpisodes = 2, Threads = 1, OutputDirectory = dir, Device = "ilgpu-cpu",
            Overrides = ["num_envs=4", "n_steps=16", "batch_size=32", "n_epochs=1", "policy.hidden_sizes=[8]"],
        };
        var onDevice = TrainingRun.Run(request);
        Assert.Equal(RunStatus.BudgetExhausted, onDevice.Status);
        Assert.Equal(256, onDevice.Progress.EnvSteps);

        // the same budget on the CPU ends within rounding of the device run
        string cpuDir = Path.Combine(_dir, "cpu");
        using (var cpuRun = TrainingRun.Prepare(request with { Device = null, OutputDirectory = cpuDir }))
        {
            cpuRun.Train();
            using var saved = Checkpoint.Resume(dir);
            var a = Flatten(cpuRun.Agent);
            var b = Flatten(saved);
            double worst = a.Zip(b).Max(p => Math.Abs(p.First - p.Second) / Math.Max(1.0, Math.Abs(p.First)));
            Assert.True(worst < 1e-10, $"parameters differ by {worst:E2} (relative)");
        }

        // a device run resumes on the CPU (and a CPU run on the device): the device is not part of the checkpoint
        var extended = TrainingRun.Run(new RunRequest { ResumeDirectory = dir, TotalSteps = 320, Extend = true, NoTarget = true, EvalEpisodes = 0 });
        Assert.Equal(320, extended.Progress.EnvSteps);
        var back = TrainingRun.Run(new RunRequest { ResumeDirectory = cpuDir, TotalSteps = 320, Extend = true, NoTarget = true, EvalEpisodes = 0, Device = "ilgpu-cpu" });
        Assert.Equal(320, back.Progress.EnvSteps);
    }

    [Theory]
    [InlineData("trpo", "CartPole-v1", null, "computes PPO's and A2C's gradients")]
    [InlineData("ppo", "CartPole-v1", "policy.shared_trunk=true", "separate actor and critic networks")]
    [InlineData("ppo", "CartPole-v1", "clip_range_vf=0.2", "no value clipping")]
    public void UnsupportedRuns_AreRefusedWithTheReason(string algo, string env, string? setting, string reason)
    {
        var e = Assert.Throws<NotSupportedException>(() => TrainingRun.Prepare(new RunRequest
        {
            Algorithm = algo, EnvId = env, TotalSteps = 256, Threads = 1, OutputDirectory = Path.Combine(_dir, algo + env), Device = "ilgpu-cpu",
            Overrides = setting is null ? [] : [setting],
        }));
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void AMissingAccelerator_OrAnUnknownDevice_IsAClearError()
    {
        if (!GpuDevice.IsAvailable(DeviceKind.Cuda))
        {
            var e = Assert.Throws<NotSupportedException>(() => TrainingRun.Prepare(new RunRequest { TotalSteps = 256, OutputDirectory = Path.Combine(_dir, "cuda"), Device = "cuda" }));
            Assert.Contains("cuda", e.Message);
            Assert.Contains("--device cpu", e.Message);
        }

        var unknown = Assert.Throws<ArgumentException>(() => TrainingRun.Prepare(new RunRequest { TotalSteps = 256, OutputDirectory = Path.Combine(_dir, "tpu"), Device = "tpu" }));
        Assert.Contains("ilgpu-cpu", unknown.Message);
        // the refused run released its folder: the same folder trains on the CPU
        using var retry = TrainingRun.Prepare(new RunRequest { TotalSteps = 256, OutputDirectory = Path.Combine(_dir, "tpu") });
    }
}
