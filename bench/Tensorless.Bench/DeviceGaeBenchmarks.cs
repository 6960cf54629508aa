using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Gpu;

namespace Tensorless.Bench;

/// <summary>
/// GAE over a time-major rollout of 128 steps x <see cref="Envs"/> envs (gamma 0.99, lambda 0.95, a termination every
/// 37th entry) on the CPU (<c>AdvantageKernels.GaeRow</c>, newest step first) and on each available accelerator
/// (<c>DeviceKernels.Gae</c>: one thread per env, operands resident). The column reads in entries/s.
/// </summary>
[Config(typeof(Config))]
public class DeviceGaeBenchmarks
{
    private const int Steps = 128;
    private double[] _rewards = [], _values = [], _truncationValues = [], _last = [], _advantages = [], _returns = [];
    private bool[] _terminated = [], _truncated = [];
    private GpuDevice? _device;
    private DeviceKernels? _kernels;
    private MemoryBuffer1D<double, Stride1D.Dense>[] _buffers = [];
    private MemoryBuffer1D<byte, Stride1D.Dense>[] _flags = [];

    /// <summary>Parallel envs.</summary>
    [Params(128, 2048)]
    public int Envs { get; set; } = 128;

    /// <summary>The device, in the CLI's spelling: cpu and ilgpu-cpu always; cuda and opencl where such a device exists.</summary>
    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    /// <summary>The devices present here.</summary>
    public static IEnumerable<string> Devices() => DeviceGemmBenchmarks.Devices();

    /// <summary>Random rewards and values from a fixed seed; on a device, the operands uploaded once.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var rng = new Xoshiro256(2);
        int n = Steps * Envs;
        _rewards = Random(rng, n);
        _values = Random(rng, n);
        _truncationValues = Random(rng, n);
        _last = Random(rng, Envs);
        _advantages = new double[n];
        _returns = new double[n];
        _terminated = new bool[n];
        _truncated = new bool[n];
        for (int i = 0; i < n; i += 37)
        {
            _terminated[i] = true;
        }

        if (Device != "cpu")
        {
            _device = GpuDevice.Create(DeviceKinds.Parse(Device));
            _kernels = new DeviceKernels(_device);
            _buffers = [_device.Upload(_rewards), _device.Upload(_values), _device.Upload(_truncationValues), _device.Upload(_last), _device.Allocate(n), _device.Allocate(n)];
            _flags = [_device.UploadFlags(_terminated), _device.UploadFlags(_truncated)];
        }
    }

    /// <summary>Releases the device.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var buffer in _buffers)
        {
            buffer.Dispose();
        }

        foreach (var flags in _flags)
        {
            flags.Dispose();
        }

        _device?.Dispose();
    }

    /// <summary>Advantages and returns of the whole rollout.</summary>
    [Benchmark]
    public void Gae()
    {
        if (_device is null || _kernels is null)
        {
            int e = Envs;
            for (int t = Steps - 1; t >= 0; t--)
            {
                ReadOnlySpan<double> next = t == Steps - 1 ? _last : _values.AsSpan((t + 1) * e, e);
                ReadOnlySpan<double> nextAdvantages = t == Steps - 1 ? [] : _advantages.AsSpan((t + 1) * e, e); // no carry at the last step, as Gae runs it
                AdvantageKernels.GaeRow(_rewards.AsSpan(t * e, e), _values.AsSpan(t * e, e), next, _truncationValues.AsSpan(t * e, e),
                    _terminated.AsSpan(t * e, e), _truncated.AsSpan(t * e, e), nextAdvantages, 0.99, 0.99 * 0.95, _advantages.AsSpan(t * e, e), _returns.AsSpan(t * e, e));
            }

            return;
        }

        _kernels.Gae(_buffers[0].View, _buffers[1].View, _flags[0].View, _flags[1].View, _buffers[2].View, _buffers[3].View, Steps, Envs, 0.99, 0.99 * 0.95, _buffers[4].View, _buffers[5].View);
        _device.Synchronize();
    }

    private static double[] Random(Xoshiro256 rng, int n)
    {
        var x = new double[n];
        rng.FillUniform(x, -1, 1);
        return x;
    }

    private sealed class Config : ManualConfig
    {
        public Config() => AddColumn(new ThroughputColumn("entries/s", 1, c => Steps * ThroughputColumn.Param(c, "Envs")));
    }
}
