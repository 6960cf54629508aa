using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;

namespace Tensorless.Gpu.Heads;

/// <summary>
/// A diagonal Gaussian head: the actor's output is the mean [rows x d], the policy's state-independent log-std
/// [1 x d] is a parameter of its own. Its entropy depends on the log-std only, so it is one value for the whole batch
/// (the CPU tape's <c>GaussianEntropy</c> output is [1 x 1]) and its weight in the loss is <c>-entCoef</c>, not
/// <c>-entCoef / rows</c>. The log-std's gradient starts from that weight and then gains the rows' log-density terms in
/// row order, as the CPU tape adds them.
/// </summary>
internal sealed class DeviceGaussianHead : DevicePolicyHead
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly Parameter _logStd;
    private readonly int _d;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _logStdBuffer, _logStdGrad, _entropyWeight;

    public DeviceGaussianHead(GpuDevice device, DeviceKernels kernels, Parameter logStd)
    {
        _device = device;
        _kernels = kernels;
        _logStd = logStd;
        _d = logStd.Data.Length;
        _logStdBuffer = device.Allocate(_d);
        _logStdGrad = device.Allocate(_d);
        _entropyWeight = device.Allocate(1);
    }

    /// <inheritdoc />
    public override int ActionColumns => _d;

    /// <inheritdoc />
    public override int EntropyRows(int rows) => 1;

    /// <inheritdoc />
    public override void Forward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> logProb, ArrayView<double> entropy, int rows)
    {
        _kernels.GaussianLogProb(head, _logStdBuffer.View, actions, logProb, rows, _d, shared: true);
        _kernels.GaussianEntropy(_logStdBuffer.View, entropy.SubView(0, 1), 1, _d);
    }

    /// <inheritdoc />
    public override void Backward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> entropy, ArrayView<double> gradLogProb, double entropyWeight, ArrayView<double> gradHead, int rows)
    {
        gradHead.MemSetToZero();
        _logStdGrad.View.MemSetToZero();
        _device.CopyToDevice([entropyWeight], _entropyWeight.View);
        _kernels.AccumulateGaussianEntropyBackward(_entropyWeight.View, _logStdGrad.View, 1, _d);
        _kernels.AccumulateGaussianLogProbBackward(gradLogProb, head, _logStdBuffer.View, actions, gradHead, _logStdGrad.View, rows, _d, shared: true);
    }

    /// <inheritdoc />
    public override IEnumerable<(Parameter Parameter, ArrayView<double> Value, ArrayView<double> Grad)> Views() => [(_logStd, _logStdBuffer.View, _logStdGrad.View)];

    /// <inheritdoc />
    public override void Dispose()
    {
        _logStdBuffer.Dispose();
        _logStdGrad.Dispose();
        _entropyWeight.Dispose();
    }
}
