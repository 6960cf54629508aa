using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;

namespace Tensorless.Gpu;

/// <summary>
/// A CPU optimizer's state and step on a device for the length of one update: <see cref="Upload"/> copies its moments
/// (from <see cref="IOptimizer.ExportState"/>) to the device, <see cref="Step"/> clips the gradients by their global norm
/// and takes the optimizer's step there with the CPU's formula (<c>DeviceKernels.AdamStep</c>,
/// <c>RmsPropStep</c>: the same bits), and <see cref="Download"/> hands back the parameters it trained, the moments and
/// the step count (<see cref="IOptimizer.ImportState"/>), so the CPU policy and optimizer are the run's state again for
/// checkpoints. (The parameters go up with the networks' own upload, which also zeroes a missing bias.) Serves
/// <see cref="Adam"/> and <see cref="RmsProp"/>; <see cref="TryCreate"/> returns null for any other optimizer.
/// </summary>
internal sealed class DeviceOptimizer : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly IOptimizer _optimizer;
    private readonly string _prefix;
    private readonly string[] _buffers;
    private readonly Parameter[] _parameters;
    private readonly ArrayView<double>[] _values, _grads;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>[][] _state;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _clipScratch;
    private long _stepCount;

    private DeviceOptimizer(GpuDevice device, DeviceKernels kernels, IOptimizer optimizer, string prefix, string[] buffers, IReadOnlyDictionary<Parameter, (ArrayView<double> Value, ArrayView<double> Grad)> views)
    {
        _device = device;
        _kernels = kernels;
        _optimizer = optimizer;
        _prefix = prefix;
        _buffers = buffers;
        _parameters = [.. optimizer.Parameters];
        _values = [.. _parameters.Select(p => views[p].Value)];
        _grads = [.. _parameters.Select(p => views[p].Grad)];
        _state = [.. buffers.Select(_ => _parameters.Select(p => device.Allocate(p.Length)).ToArray())];
        _clipScratch = device.Allocate(_parameters.Length + 1);
    }

    /// <summary>The CPU optimizer this mirrors.</summary>
    public IOptimizer Optimizer => _optimizer;

    /// <summary>
    /// The device form of <paramref name="optimizer"/>, or null where it is not Adam or RMSprop or a parameter it trains
    /// has no device copy in <paramref name="views"/> (the caller then steps on the CPU).
    /// </summary>
    public static DeviceOptimizer? TryCreate(GpuDevice device, DeviceKernels kernels, IOptimizer optimizer, IReadOnlyDictionary<Parameter, (ArrayView<double> Value, ArrayView<double> Grad)> views)
    {
        return StateLayout(optimizer) is var (prefix, buffers) && optimizer.Parameters.All(views.ContainsKey)
            ? new DeviceOptimizer(device, kernels, optimizer, prefix, buffers, views)
            : null;
    }

    /// <summary>
    /// The key prefix and per-parameter state buffers of <paramref name="optimizer"/>'s <see cref="IOptimizer.ExportState"/>
    /// (<c>{prefix}.step</c>, <c>{prefix}.{buffer}.{parameter}</c>) for the optimizers a device steps, Adam and RMSprop;
    /// null for any other. <see cref="DevicePopulationOptimizer"/> reads the same layout.
    /// </summary>
    public static (string Prefix, string[] Buffers)? StateLayout(IOptimizer optimizer) => optimizer switch
    {
        Adam => ("adam", ["exp_avg", "exp_avg_sq"]),
        RmsProp => ("rmsprop", ["square_avg"]),
        _ => null,
    };

    /// <summary>Copies the CPU optimizer's moments and step count to the device.</summary>
    public void Upload()
    {
        var state = _optimizer.ExportState();
        _stepCount = (long)state[$"{_prefix}.step"][0];
        for (int b = 0; b < _buffers.Length; b++)
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                _device.CopyToDevice(state[Key(b, i)], _state[b][i].View);
            }
        }
    }

    /// <summary>
    /// Clips the gradients by their global norm when <paramref name="maxNorm"/> is set, then one step at the CPU
    /// optimizer's current learning rate, all on the device.
    /// </summary>
    public void Step(double? maxNorm)
    {
        if (maxNorm is double limit)
        {
            _kernels.ClipByGlobalNorm(_grads, limit, _clipScratch.View);
        }

        _stepCount++;
        switch (_optimizer)
        {
            case Adam adam:
                double biasCorrection1 = 1.0 - Math.Pow(adam.Beta1, _stepCount);
                double biasCorrection2 = 1.0 - Math.Pow(adam.Beta2, _stepCount);
                for (int i = 0; i < _parameters.Length; i++)
                {
                    _kernels.AdamStep(_values[i], _grads[i], _state[0][i].View, _state[1][i].View, _parameters[i].Length,
                        adam.LearningRate, adam.Beta1, adam.Beta2, adam.Eps, biasCorrection1, biasCorrection2, adam.WeightDecay);
                }

                break;
            case RmsProp rms:
                for (int i = 0; i < _parameters.Length; i++)
                {
                    _kernels.RmsPropStep(_values[i], _grads[i], _state[0][i].View, _parameters[i].Length, rms.LearningRate, rms.Alpha, rms.Eps, rms.WeightDecay);
                }

                break;
        }
    }

    /// <summary>
    /// Copies the trained parameters back into the CPU parameters, and the moments and the step count into the CPU
    /// optimizer.
    /// </summary>
    public void Download()
    {
        for (int i = 0; i < _parameters.Length; i++)
        {
            _device.CopyToHost(_values[i], _parameters[i].Data);
        }

        var state = new Dictionary<string, double[]>(StringComparer.Ordinal) { [$"{_prefix}.step"] = [_stepCount] };
        for (int b = 0; b < _buffers.Length; b++)
        {
            for (int i = 0; i < _parameters.Length; i++)
            {
                state[Key(b, i)] = _device.Download(_state[b][i].View);
            }
        }

        _optimizer.ImportState(state);
    }

    public void Dispose()
    {
        foreach (var buffer in _state.SelectMany(b => b))
        {
            buffer.Dispose();
        }

        _clipScratch.Dispose();
    }

    private string Key(int buffer, int parameter) => $"{_prefix}.{_buffers[buffer]}.{_parameters[parameter].Name}";
}
