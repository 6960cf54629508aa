using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;

namespace Tensorless.Gpu;

/// <summary>
/// The members' optimizers for a population's batched update (<see cref="DevicePopulationUpdate"/>): Adam's two moments
/// or RMSprop's square average stacked per parameter slot [K x length], each member's global-norm clipping and step with
/// its own learning rate and step count (the formulas and order <see cref="DeviceOptimizer"/> uses for one agent, so
/// each member's step has its bits). A member that does not step in a round is masked out and keeps its parameters and
/// state. The state goes up from the CPU optimizers at the start of an update and comes back at its end.
/// </summary>
internal sealed class DevicePopulationOptimizer : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly IOptimizer[] _members;
    private readonly IOptimizer _first;
    private readonly string _prefix;
    private readonly string[] _buffers;
    private readonly Slot[] _slots;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>[][] _state;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _steps, _norms, _totals;
    private readonly double[] _hostSteps;
    private readonly long[] _stepCount;
    private readonly double? _maxGradNorm;

    /// <summary>One parameter of the optimizers' order: its stacked value and gradient, one member's length, and each member's CPU parameter.</summary>
    public sealed record Slot(ArrayView<double> Value, ArrayView<double> Grad, int Length, Parameter[] Parameters);

    public DevicePopulationOptimizer(GpuDevice device, DeviceKernels kernels, IOptimizer[] members, Slot[] slots, double? maxGradNorm)
    {
        _device = device;
        _kernels = kernels;
        _members = members;
        _first = members[0];
        (_prefix, _buffers) = DeviceOptimizer.StateLayout(_first) ?? throw new NotSupportedException($"The batched update steps Adam or RMSprop, not {_first.GetType().Name}.");
        _slots = slots;
        _maxGradNorm = maxGradNorm;
        int k = members.Length;
        _state = [.. _buffers.Select(_ => slots.Select(s => device.Allocate((long)k * s.Length)).ToArray())];
        _steps = device.Allocate(3L * k);
        _norms = device.Allocate((long)k * slots.Length);
        _totals = device.Allocate(k);
        _hostSteps = new double[3L * k];
        _stepCount = new long[k];
    }

    /// <summary>Why these optimizers cannot step as one batch (not all Adam or all RMSprop with one set of hyperparameters), or null.</summary>
    public static string? Check(IReadOnlyList<IOptimizer> optimizers) =>
        optimizers[0] switch
        {
            Adam a0 => optimizers.All(o => o is Adam a && a.Beta1 == a0.Beta1 && a.Beta2 == a0.Beta2 && a.Eps == a0.Eps && a.WeightDecay == a0.WeightDecay)
                ? null : "every member alike in its optimizer (Adam with one set of betas, eps and weight decay)",
            RmsProp r0 => optimizers.All(o => o is RmsProp r && r.Alpha == r0.Alpha && r.Eps == r0.Eps && r.WeightDecay == r0.WeightDecay)
                ? null : "every member alike in its optimizer (RMSprop with one alpha, eps and weight decay)",
            _ => "the Adam or RMSprop optimizer",
        };

    /// <summary>Copies every member's optimizer state and step count to the device (one copy per array).</summary>
    public void Upload()
    {
        var states = _members.Select(m => m.ExportState()).ToArray();
        for (int m = 0; m < _members.Length; m++)
        {
            _stepCount[m] = (long)states[m][$"{_prefix}.step"][0];
        }

        for (int s = 0; s < _slots.Length; s++)
        {
            var slot = _slots[s];
            var host = new double[(long)_members.Length * slot.Length];
            for (int b = 0; b < _buffers.Length; b++)
            {
                for (int m = 0; m < _members.Length; m++)
                {
                    states[m][Key(b, slot.Parameters[m])].CopyTo(host.AsSpan(m * slot.Length, slot.Length));
                }

                _device.CopyToDevice(host, _state[b][s].View);
            }
        }
    }

    /// <summary>Member <paramref name="member"/> steps this round at its optimizer's current learning rate (its step count advances); thread-safe across members.</summary>
    public void Take(int member)
    {
        long t = ++_stepCount[member];
        double lr = _members[member].LearningRate;
        if (_members[member] is Adam adam)
        {
            (_hostSteps[3 * member], _hostSteps[(3 * member) + 1]) = DeviceKernels.AdamStepScalars(lr, adam.Beta1, adam.Beta2, t);
        }
        else
        {
            _hostSteps[3 * member] = -lr;
        }

        _hostSteps[(3 * member) + 2] = 1.0;
    }

    /// <summary>Member <paramref name="member"/> does not step this round; thread-safe across members.</summary>
    public void Skip(int member) => _hostSteps[(3 * member) + 2] = 0.0;

    /// <summary>Each member's global-norm clipping of its gradients (every member's; a skipped one's is not used), then the step of the members that take one.</summary>
    public void Step()
    {
        int k = _members.Length;
        if (_maxGradNorm is double limit)
        {
            _kernels.BatchedClipByGlobalNorm([.. _slots.Select(s => (s.Grad, s.Length))], k, limit, _norms.View, _totals.View);
        }

        _device.CopyToDevice(_hostSteps, _steps.View);
        for (int s = 0; s < _slots.Length; s++)
        {
            var slot = _slots[s];
            switch (_first)
            {
                case Adam adam:
                    _kernels.BatchedAdamStep(slot.Value, slot.Grad, _state[0][s].View, _state[1][s].View, k, slot.Length, _steps.View, adam.Beta1, adam.Beta2, adam.Eps, adam.WeightDecay);
                    break;
                case RmsProp rms:
                    _kernels.BatchedRmsPropStep(slot.Value, slot.Grad, _state[0][s].View, k, slot.Length, _steps.View, rms.Alpha, rms.Eps, rms.WeightDecay);
                    break;
            }
        }
    }

    /// <summary>The listed members' state and step counts back into their CPU optimizers.</summary>
    public void Download(ReadOnlySpan<int> members)
    {
        var states = new Dictionary<string, double[]>[_members.Length];
        foreach (int m in members)
        {
            states[m] = new Dictionary<string, double[]>(StringComparer.Ordinal) { [$"{_prefix}.step"] = [_stepCount[m]] };
        }

        for (int s = 0; s < _slots.Length; s++)
        {
            var slot = _slots[s];
            for (int b = 0; b < _buffers.Length; b++)
            {
                var host = _device.Download(_state[b][s].View);
                foreach (int m in members)
                {
                    states[m][Key(b, slot.Parameters[m])] = host.AsSpan(m * slot.Length, slot.Length).ToArray();
                }
            }
        }

        foreach (int m in members)
        {
            _members[m].ImportState(states[m]);
        }
    }

    public void Dispose()
    {
        foreach (var buffer in _state.SelectMany(b => b).Concat([_steps, _norms, _totals]))
        {
            buffer.Dispose();
        }
    }

    private string Key(int buffer, Parameter parameter) => $"{_prefix}.{_buffers[buffer]}.{parameter.Name}";
}
