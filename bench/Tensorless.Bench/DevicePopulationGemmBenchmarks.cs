using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Gpu;

namespace Tensorless.Bench;

/// <summary>
/// A population's forward GEMM: K agents, each C_i[128, 64] = A_i[128, 64] B_i[64, 64]^T (PureJaxRL's CartPole
/// minibatch through a 64-wide layer). On <c>cpu</c> the CPU GEMM is called K times on one thread; on an accelerator one
/// batched launch (<see cref="DeviceKernels.BatchedMatMulTransposeB"/>) with the operands resident. The GFLOP/s column
/// counts 2 x K x 128 x 64 x 64 flops.
/// </summary>
[Config(typeof(Config))]
public class DevicePopulationGemmBenchmarks
{
    private const int M = 128, K = 64, N = 64;
    private double[] _a = [], _b = [], _c = [];
    private DeviceGemmOperands? _device;

    /// <summary>Agents in the population.</summary>
    [Params(64, 256, 2048)]
    public int Agents { get; set; } = 64;

    /// <summary>The device, in the CLI's spelling: cpu and ilgpu-cpu always; cuda and opencl where such a device exists.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    /// <summary>The devices present here.</summary>
    public static IEnumerable<string> Devices() => DeviceGemmBenchmarks.Devices();

    /// <summary>Fills every agent's operands from a fixed seed and, on an accelerator, compiles the kernels and uploads them.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xoshiro256(2);
        _a = new double[Agents * M * K];
        _b = new double[Agents * N * K];
        _c = new double[Agents * M * N];
        rng.FillUniform(_a, -1, 1);
        rng.FillUniform(_b, -1, 1);
        _device = DeviceGemmOperands.Create(Device, _a, _b, _c.Length);
    }

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup() => _device?.Dispose();

    /// <summary>Every agent's product: K CPU calls, or one batched launch and a synchronize.</summary>
    [Benchmark]
    public void Population()
    {
        if (_device is not { } d)
        {
            for (int i = 0; i < Agents; i++)
            {
                Gemm.MatMulTransposeB(_a.AsSpan(i * M * K, M * K), _b.AsSpan(i * N * K, N * K), _c.AsSpan(i * M * N, M * N), M, K, N);
            }

            return;
        }

        d.Kernels.BatchedMatMulTransposeB(d.A.View, d.B.View, d.C.View, Agents, M, K, N);
        d.Device.Synchronize();
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("GFLOP/s", 1e9, c => 2.0 * ThroughputColumn.Param(c, "Agents") * M * K * N));
    }
}
