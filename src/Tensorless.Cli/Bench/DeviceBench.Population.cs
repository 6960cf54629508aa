using System.Globalization;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Gpu;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Bench;

// bench device --agents: a population's forward GEMM and its training tick (rollouts and updates), K agents on the CPU against one batch on a device
internal static partial class DeviceBench
{
    // a population's forward GEMM at PureJaxRL's CartPole minibatch (128 rows) and a 64-wide layer: K calls of the CPU
    // GEMM on one thread against one batched launch on a device
    private static void PopulationGemm(IReadOnlyList<DeviceKind> kinds, IReadOnlyList<int> agents, int repeats, TextWriter stdout)
    {
        const int m = 128, k = 64, n = 64;
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine("population GEMM: K agents x (128 x 64 x 64, A B^T); the CPU calls its GEMM K times on one thread, a device launches one batched GEMM.");
        stdout.WriteLine("  device          agents     total ms  GFLOP/s");
        foreach (var kind in kinds)
        {
            using var device = kind == DeviceKind.Cpu ? null : GpuDevice.Create(kind);
            var kernels = device is null ? null : new DeviceKernels(device);
            foreach (int count in agents)
            {
                var rng = new Xoshiro256(3);
                double[] a = Random(rng, count * m * k), b = Random(rng, count * n * k), y = new double[count * m * n];
                double seconds;
                if (device is null || kernels is null)
                {
                    seconds = Best(repeats, () =>
                    {
                        for (int i = 0; i < count; i++)
                        {
                            Autodiff.Kernels.Gemm.MatMulTransposeB(a.AsSpan(i * m * k, m * k), b.AsSpan(i * n * k, n * k), y.AsSpan(i * m * n, m * n), m, k, n);
                        }
                    });
                }
                else
                {
                    using var da = device.Upload(a);
                    using var db = device.Upload(b);
                    using var dy = device.Allocate(y.Length);
                    seconds = Best(repeats, () =>
                    {
                        kernels.BatchedMatMulTransposeB(da.View, db.View, dy.View, count, m, k, n);
                        device.Synchronize();
                    });
                }

                stdout.WriteLine(string.Create(c, $"  {kind.ToName(),-12} {count,9}  {seconds * 1e3,11:F2}  {2.0 * count * m * k * n / seconds / 1e9,7:F1}"));
            }
        }
    }

    // a population's training tick at PureJaxRL's CartPole settings (4 envs x T steps per agent, 4 minibatches, 4 epochs,
    // 64x64 tanh, Adam): K PPO learners' rollouts and updates, on the CPU K of each on one thread, on a device one batched
    // rollout (DevicePopulation, each member taking its part) and one batched update of all of them
    private static void PopulationTick(IReadOnlyList<DeviceKind> kinds, IReadOnlyList<int> agents, int repeats, int steps, TextWriter stdout)
    {
        const int envs = 4;
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine($"population tick: K PPO agents x {envs} CartPole envs x {steps} steps (64x64 tanh), then one update each (4 epochs x 4 minibatches of {steps} rows, Adam); the CPU runs K rollouts and K updates on one thread, a device one batch of each.");
        stdout.WriteLine("  device          agents  rollout ms  update ms  env steps/s (tick)");
        foreach (var kind in kinds)
        {
            foreach (int count in agents)
            {
                var members = new Ppo[count];
                var metrics = new MetricsRecord[count];
                for (int k = 0; k < count; k++)
                {
                    members[k] = new Ppo(Gym.MakeVector("CartPole-v1", envs, seed: (ulong)k), new PpoOptions
                    {
                        OnPolicy = new OnPolicyOptions { NumEnvs = envs, NumSteps = steps, Seed = (ulong)k, Threads = 1, LearningRate = 2.5e-4, MaxGradNorm = 0.5, EntCoef = 0.01 },
                        MinibatchSize = steps >= 2 ? envs * steps / 4 : envs * steps,
                        NumEpochs = 4,
                    });
                    metrics[k] = MetricsRecord.CreateStandard();
                }

                IPopulationRolloutDevice? batch = null;
                try
                {
                    batch = GradientDevices.CreatePopulation(kind.ToName(), members);
                    for (int k = 0; k < count && batch is not null; k++)
                    {
                        members[k].Learner.RolloutDevice = batch.Member(k);
                    }

                    var updates = batch is IPopulationUpdateDevice { UpdateUnavailableReason: null } u ? u : null;
                    int[] all = [.. Enumerable.Range(0, count)];
                    double[] progress = [.. all.Select(_ => 1.0)];
                    var errors = new Exception?[count];
                    double rollout = Best(repeats, () =>
                    {
                        batch?.CollectAll();
                        foreach (var m in members)
                        {
                            m.Learner.CollectRollout();
                        }
                    });
                    double update = Best(repeats, () =>
                    {
                        if (updates is not null)
                        {
                            updates.UpdateAll(all, progress, metrics, errors);
                            return;
                        }

                        for (int k = 0; k < count; k++)
                        {
                            members[k].Update(1.0, metrics[k]);
                        }
                    });
                    string where = batch is not null && updates is null ? " (updates on the CPU)" : "";
                    stdout.WriteLine(string.Create(c, $"  {kind.ToName(),-12} {count,9}  {rollout * 1e3,10:F1}  {update * 1e3,9:F1}  {(double)count * envs * steps / (rollout + update),11:N0}{where}"));
                }
                finally
                {
                    batch?.Dispose();
                    foreach (var m in members)
                    {
                        m.Dispose();
                    }
                }
            }
        }
    }
}
