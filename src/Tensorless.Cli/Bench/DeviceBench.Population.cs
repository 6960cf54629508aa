using System.Globalization;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Gpu;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Bench;

// bench device --agents: a population's forward GEMM and its rollouts, K agents on the CPU against one batch on a device
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

    // a population's rollouts: K PPO learners (64x64 tanh, 4 CartPole-v1 envs each, T steps), K CPU rollouts on one
    // thread against one batched device rollout (DevicePopulation) and each member taking its part
    private static void PopulationRollout(IReadOnlyList<DeviceKind> kinds, IReadOnlyList<int> agents, int repeats, int steps, TextWriter stdout)
    {
        const int envs = 4;
        var c = CultureInfo.InvariantCulture;
        stdout.WriteLine($"population rollout: K PPO agents x {envs} CartPole envs x {steps} steps (64x64 tanh); the CPU collects K rollouts on one thread, a device one batch for all.");
        stdout.WriteLine("  device          agents     total ms  env steps/s");
        foreach (var kind in kinds)
        {
            foreach (int count in agents)
            {
                var members = new Ppo[count];
                for (int k = 0; k < count; k++)
                {
                    members[k] = new Ppo(Gym.MakeVector("CartPole-v1", envs, seed: (ulong)k), new PpoOptions
                    {
                        OnPolicy = new OnPolicyOptions { NumEnvs = envs, NumSteps = steps, Seed = (ulong)k, Threads = 1 },
                        MinibatchSize = envs * steps, // no update runs; any size that divides the rollout
                    });
                }

                IPopulationRolloutDevice? batch = null;
                try
                {
                    batch = GradientDevices.CreatePopulation(kind.ToName(), members);
                    for (int k = 0; k < count && batch is not null; k++)
                    {
                        members[k].Learner.RolloutDevice = batch.Member(k);
                    }

                    double seconds = Best(repeats, () =>
                    {
                        batch?.CollectAll();
                        foreach (var m in members)
                        {
                            m.Learner.CollectRollout();
                        }
                    });
                    stdout.WriteLine(string.Create(c, $"  {kind.ToName(),-12} {count,9}  {seconds * 1e3,11:F1}  {(double)count * envs * steps / seconds,11:N0}"));
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
