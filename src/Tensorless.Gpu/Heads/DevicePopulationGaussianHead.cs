using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Rl.Policies;

namespace Tensorless.Gpu.Heads;

/// <summary>
/// K members' diagonal Gaussian heads for a population's batched update: each member's state-independent log-std [d]
/// stacked [K x d] as a parameter of the batch, repeated over the member's rows for the row kernels (a copy, so each row
/// reads the same bits the single head's shared log-std gives it). The entropy is one value per member, weighted
/// <c>-entCoef</c>; each member's log-std gradient starts from it and gains its own rows' terms in row order, as the
/// single <see cref="DeviceGaussianHead"/> adds them.
/// </summary>
internal sealed class DevicePopulationGaussianHead : DevicePopulationHead
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly int _d, _members, _rows;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _logStd, _logStdGrad, _logStdRows, _entropyWeights;
    private readonly double[] _host, _hostWeights;

    public DevicePopulationGaussianHead(GpuDevice device, DeviceKernels kernels, int d, int members, int rows)
    {
        _device = device;
        _kernels = kernels;
        _d = d;
        _members = members;
        _rows = rows;
        _logStd = device.Allocate((long)members * d);
        _logStdGrad = device.Allocate((long)members * d);
        _logStdRows = device.Allocate((long)members * rows * d);
        _entropyWeights = device.Allocate(members);
        _host = new double[(long)members * d];
        _hostWeights = new double[members];
    }

    public override int ActionColumns => _d;

    public override int EntropyPerMember => 1;

    public override void Forward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> logProb, ArrayView<double> entropy)
    {
        int n = _members * _rows;
        _kernels.BatchedBroadcastRow(_logStd.View, _logStdRows.View, _members, _rows, _d);
        _kernels.GaussianLogProb(head, _logStdRows.View, actions, logProb, n, _d, shared: false);
        _kernels.GaussianEntropy(_logStd.View, entropy.SubView(0, _members), _members, _d);
    }

    public override void Backward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> entropy, ArrayView<double> gradLogProb, double entCoef, ArrayView<double> gradHead)
    {
        int n = _members * _rows;
        gradHead.MemSetToZero();
        _logStdGrad.View.MemSetToZero();
        Array.Fill(_hostWeights, -entCoef * (1.0 / EntropyPerMember)); // the single head weighs its one entropy so
        _device.CopyToDevice(_hostWeights, _entropyWeights.View);
        _kernels.AccumulateGaussianEntropyBackward(_entropyWeights.View, _logStdGrad.View, _members, _d);
        _kernels.AccumulateGaussianLogProbBackward(gradLogProb, head, _logStdRows.View, actions, gradHead, default, n, _d, shared: false);
        _kernels.BatchedAccumulateGaussianLogStdBackward(gradLogProb, head, _logStd.View, actions, _logStdGrad.View, _members, _rows, _d);
    }

    public override IEnumerable<((ArrayView<double> Value, ArrayView<double> Grad, int Length) View, Func<ActorCriticPolicy, Parameter> Of)> Arrays() =>
        [((_logStd.View, _logStdGrad.View, _d), p => p.LogStd!)];

    public override void Upload(IReadOnlyList<ActorCriticPolicy> policies)
    {
        for (int k = 0; k < _members; k++)
        {
            policies[k].LogStd!.Data.CopyTo(_host.AsSpan(k * _d, _d));
        }

        _device.CopyToDevice(_host, _logStd.View);
    }

    public override void Download(IReadOnlyList<ActorCriticPolicy?> policies)
    {
        _device.CopyToHost(_logStd.View, _host);
        for (int k = 0; k < _members; k++)
        {
            if (policies[k] is { } policy)
            {
                _host.AsSpan(k * _d, _d).CopyTo(policy.LogStd!.Data);
            }
        }
    }

    public override void Dispose()
    {
        _logStd.Dispose();
        _logStdGrad.Dispose();
        _logStdRows.Dispose();
        _entropyWeights.Dispose();
    }
}
