using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Gpu;

namespace Tensorless.Bench;

/// <summary>
/// A linear layer's forward GEMM C[m, n] = A[m, k] B[n, k]^T (MatMulTransposeB) on the plain CPU kernels against each
/// ILGPU accelerator present here (ilgpu-cpu always; cuda and opencl only where <see cref="GpuDevice.IsAvailable"/>).
/// <c>Resident</c> times the kernel alone with the operands already on the device (launch + synchronize);
/// <c>WithTransfers</c> adds uploading A and downloading C (B, the weight, stays resident, as it would in training).
/// On <c>cpu</c> both are the same CPU call. Shapes are m x k x n; the GFLOP/s column counts 2 m k n flops.
/// </summary>
[Config(typeof(Config))]
public class DeviceGemmBenchmarks
{
    private double[] _a = [], _b = [], _c = [];
    private DeviceGemmOperands? _device;

    /// <summary>The GEMM as "m x k x n".</summary>
    [Params("128x64x64", "2048x64x64", "2048x256x256")]
    public string Shape { get; set; } = "128x64x64";

    /// <summary>The device, in the CLI's spelling.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    /// <summary>cpu and ilgpu-cpu always; cuda and opencl where such a device exists.</summary>
    public static IEnumerable<string> Devices() =>
        new[] { DeviceKind.Cpu, DeviceKind.IlgpuCpu, DeviceKind.Cuda, DeviceKind.OpenCl }.Where(GpuDevice.IsAvailable).Select(k => k.ToName());

    private int M => Dim(0);

    private int K => Dim(1);

    private int N => Dim(2);

    /// <summary>Fills the operands from a fixed seed and, on an accelerator, compiles the kernels and uploads them.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xoshiro256(1);
        _a = new double[M * K];
        _b = new double[N * K];
        _c = new double[M * N];
        rng.FillUniform(_a, -1, 1);
        rng.FillUniform(_b, -1, 1);
        _device = DeviceGemmOperands.Create(Device, _a, _b, _c.Length);
    }

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup() => _device?.Dispose();

    /// <summary>The kernel alone, operands resident on the device.</summary>
    [Benchmark]
    public void Resident()
    {
        if (_device is not { } d)
        {
            Gemm.MatMulTransposeB(_a, _b, _c, M, K, N);
            return;
        }

        d.Kernels.MatMulTransposeB(d.A.View, d.B.View, d.C.View, M, K, N);
        d.Device.Synchronize();
    }

    /// <summary>Upload A, run, download C.</summary>
    [Benchmark]
    public void WithTransfers()
    {
        if (_device is not { } d)
        {
            Gemm.MatMulTransposeB(_a, _b, _c, M, K, N);
            return;
        }

        d.Device.CopyToDevice(_a, d.A.View);
        d.Kernels.MatMulTransposeB(d.A.View, d.B.View, d.C.View, M, K, N);
        d.Device.CopyToHost(d.C.View, _c);
    }

    private int Dim(int index) => int.Parse(Shape.Split('x')[index]);

    private sealed class Config : ManualConfig
    {
        public Config()
        {
            AddColumn(new ThroughputColumn("GFLOP/s", 1e9, c =>
            {
                var parts = ((string)c.Parameters["Shape"]).Split('x');
                return 2.0 * int.Parse(parts[0]) * int.Parse(parts[1]) * int.Parse(parts[2]);
            }));
        }
    }
}
