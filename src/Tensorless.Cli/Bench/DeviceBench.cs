using System.Diagnostics;
using System.Globalization;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Envs;
using Tensorless.Gpu;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Options;
using Tensorless.Rl.Training;

namespace Tensorless.Cli.Bench;

/// <summary>
/// <c>tensorless bench device</c> (issue 11): the CPU kernels against every available ILGPU accelerator on the hot loops
/// of training: the forward GEMM at a 64x64 layer's shape, one PPO update (64x64 tanh actor and critic, one minibatch of
/// the given rows; on a device the gradient, clipping and Adam run there), GAE over a T x N rollout (T = --steps, 128 by default), and a whole rollout
/// of a PPO learner (T steps x N CartPole envs: policy, action draw, envs, bootstrap and GAE, on a device all there).
/// With <c>--agents</c>, a population's forward GEMM and its rollouts (DeviceBench.Population.cs). Device times include
/// waiting for the device; the PPO update includes its uploads and downloads (the minibatch, and
/// the parameters and Adam's moments up and back once), the rollout its own (parameters and envs up, the rollout down).
/// </summary>
internal static partial class DeviceBench
{
    public static int Execute(IReadOnlyList<int> rows, IReadOnlyList<int> agents, int repeats, int steps, IReadOnlyList<DeviceKind>? only, TextWriter stdout)
    {
        var c = CultureInfo.InvariantCulture;
        var kinds = new List<DeviceKind>();
        foreach (var kind in only ?? [DeviceKind.Cpu, DeviceKind.IlgpuCpu, DeviceKind.Cuda, DeviceKind.OpenCl])
        {
            if (kind == DeviceKind.Cpu)
            {
                kinds.Add(kind);
                continue;
            }

            if (GpuDevice.IsAvailable(kind))
            {
                kinds.Add(kind);
            }
            else
            {
                stdout.WriteLine($"{kind.ToName()}: not available ({GpuDevice.UnavailableReason(kind)})");
            }
        }

        GpuGradientDevices.Register();
        stdout.WriteLine(string.Create(c, $"bench device: best of {repeats} after one warm-up call; GEMM m x 64 x 64 (A B^T), PPO update of m rows, GAE of {steps} steps x m envs, rollout of {steps} steps x m envs."));
        stdout.WriteLine("  device          rows   GEMM us  GFLOP/s    PPO update ms  samples/s    GAE us    rollout ms  env steps/s");
        foreach (var kind in kinds)
        {
            using var device = kind == DeviceKind.Cpu ? null : GpuDevice.Create(kind);
            var kernels = device is null ? null : new DeviceKernels(device);
            foreach (int m in rows)
            {
                double gemm = Gemm(device, kernels, m, repeats);
                double update = PpoUpdate(kind, m, repeats);
                double gae = GaeTime(device, kernels, m, steps, repeats);
                double rollout = Rollout(kind, m, steps, repeats);
                stdout.WriteLine(string.Create(c,
                    $"  {kind.ToName(),-12} {m,7}  {gemm * 1e6,8:F1}  {2.0 * m * 64 * 64 / gemm / 1e9,7:F1}    {update * 1e3,13:F2}  {m / update,9:N0}  {gae * 1e6,8:F1}  {rollout * 1e3,12:F1}  {(double)steps * m / rollout,11:N0}"));
            }
        }

        if (agents.Count > 0)
        {
            PopulationGemm(kinds, agents, repeats, stdout);
            PopulationTick(kinds, agents, repeats, steps, stdout);
        }

        return 0;
    }

    private static double Best(int repeats, Action run)
    {
        run();
        double best = double.MaxValue;
        for (int r = 0; r < repeats; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            run();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        return best;
    }

    private static double[] Random(Xoshiro256 rng, int n)
    {
        var x = new double[n];
        rng.FillUniform(x, -1, 1);
        return x;
    }

    private static double Gemm(GpuDevice? device, DeviceKernels? kernels, int m, int repeats)
    {
        var rng = new Xoshiro256(1);
        double[] a = Random(rng, m * 64), b = Random(rng, 64 * 64), y = new double[m * 64];
        if (device is null || kernels is null)
        {
            return Best(repeats, () => Autodiff.Kernels.Gemm.MatMulTransposeB(a, b, y, m, 64, 64));
        }

        using var da = device.Upload(a);
        using var db = device.Upload(b);
        using var dy = device.Allocate(y.Length);
        return Best(repeats, () =>
        {
            kernels.MatMulTransposeB(da.View, db.View, dy.View, m, 64, 64);
            device.Synchronize();
        });
    }

    private static double PpoUpdate(DeviceKind kind, int m, int repeats)
    {
        int envs = 8;
        var options = new PpoOptions
        {
            OnPolicy = new OnPolicyOptions { NumEnvs = envs, NumSteps = Math.Max(1, m / envs), Threads = 1 },
            MinibatchSize = envs * Math.Max(1, m / envs),
            NumEpochs = 1,
        };
        using var agent = new Ppo(Gym.MakeVector("CartPole-v1", envs, seed: 1), options);
        agent.Learner.CollectRollout(); // on the CPU: the rollout is timed on its own
        agent.Learner.Device = GradientDevices.Create(kind.ToName(), agent);
        try
        {
            var metrics = MetricsRecord.CreateStandard();
            return Best(repeats, () =>
            {
                metrics.Clear();
                agent.Update(1.0, metrics);
            });
        }
        finally
        {
            agent.Learner.Device?.Dispose();
        }
    }

    // a PPO learner's rollout (default 64x64 tanh networks) of steps x envs CartPole-v1 envs, with its advantages
    private static double Rollout(DeviceKind kind, int envs, int steps, int repeats)
    {
        using var agent = new Ppo(Gym.MakeVector("CartPole-v1", envs, seed: 1), new PpoOptions
        {
            OnPolicy = new OnPolicyOptions { NumEnvs = envs, NumSteps = steps, Threads = 1 },
            MinibatchSize = envs * steps, // no update runs; any size that divides the rollout
        });
        agent.Learner.Device = GradientDevices.Create(kind.ToName(), agent);
        try
        {
            return Best(repeats, agent.Learner.CollectRollout);
        }
        finally
        {
            agent.Learner.Device?.Dispose();
        }
    }

    private static double GaeTime(GpuDevice? device, DeviceKernels? kernels, int n, int steps, int repeats)
    {
        var rng = new Xoshiro256(2);
        double[] rewards = Random(rng, steps * n), values = Random(rng, steps * n), truncValues = Random(rng, steps * n), last = Random(rng, n);
        var terminated = new bool[steps * n];
        var truncated = new bool[steps * n];
        for (int i = 0; i < terminated.Length; i += 37)
        {
            terminated[i] = true;
        }

        double[] adv = new double[steps * n], ret = new double[steps * n];
        if (device is null || kernels is null)
        {
            return Best(repeats, () =>
            {
                for (int t = steps - 1; t >= 0; t--)
                {
                    var next = t == steps - 1 ? last : values.AsSpan((t + 1) * n, n);
                    ReadOnlySpan<double> nextAdvantages = t == steps - 1 ? [] : adv.AsSpan((t + 1) * n, n); // no carry at the last step, as Gae runs it
                    AdvantageKernels.GaeRow(rewards.AsSpan(t * n, n), values.AsSpan(t * n, n), next, truncValues.AsSpan(t * n, n),
                        terminated.AsSpan(t * n, n), truncated.AsSpan(t * n, n), nextAdvantages, 0.99, 0.99 * 0.95, adv.AsSpan(t * n, n), ret.AsSpan(t * n, n));
                }
            });
        }

        using var dr = device.Upload(rewards);
        using var dv = device.Upload(values);
        using var dterm = device.UploadFlags(terminated);
        using var dtrunc = device.UploadFlags(truncated);
        using var dtv = device.Upload(truncValues);
        using var dl = device.Upload(last);
        using var da = device.Allocate(steps * n);
        using var dret = device.Allocate(steps * n);
        return Best(repeats, () =>
        {
            kernels.Gae(dr.View, dv.View, dterm.View, dtrunc.View, dtv.View, dl.View, steps, n, 0.99, 0.99 * 0.95, da.View, dret.View);
            device.Synchronize();
        });
    }
}
