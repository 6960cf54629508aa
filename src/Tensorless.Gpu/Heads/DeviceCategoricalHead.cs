using ILGPU;
using ILGPU.Runtime;

namespace Tensorless.Gpu.Heads;

/// <summary>
/// A categorical head over k logits: one softmax pass per minibatch (the packed [rows x (k + 1)] form the CPU keeps),
/// the log-probability and entropy from it, and their rules into the logits' gradient.
/// </summary>
internal sealed class DeviceCategoricalHead(GpuDevice device, DeviceKernels kernels, int k) : DevicePolicyHead
{
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _entropyWeight = device.Allocate(1);
    private MemoryBuffer1D<double, Stride1D.Dense>? _packed, _gradEntropy;
    private int _capacity;

    /// <inheritdoc />
    public override int ActionColumns => 1;

    /// <inheritdoc />
    public override void Forward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> logProb, ArrayView<double> entropy, int rows)
    {
        EnsureCapacity(rows);
        var packed = _packed!.View.SubView(0, (long)rows * (k + 1));
        kernels.SoftmaxRows(head, packed, rows, k);
        kernels.CategoricalLogProb(head, actions, packed, logProb, rows, k);
        kernels.CategoricalEntropy(head, packed, entropy, rows, k);
    }

    /// <inheritdoc />
    public override void Backward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> entropy, ArrayView<double> gradLogProb, double entropyWeight, ArrayView<double> gradHead, int rows)
    {
        var packed = _packed!.View.SubView(0, (long)rows * (k + 1));
        var gradEntropy = _gradEntropy!.View.SubView(0, rows);
        gradHead.MemSetToZero();
        device.CopyToDevice([entropyWeight], _entropyWeight.View);
        kernels.BroadcastRow(_entropyWeight.View, gradEntropy, rows, 1);
        kernels.AccumulateCategoricalEntropyBackward(gradEntropy, entropy, head, packed, gradHead, rows, k);
        kernels.AccumulateCategoricalLogProbBackward(gradLogProb, actions, packed, gradHead, rows, k);
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _entropyWeight.Dispose();
        _packed?.Dispose();
        _gradEntropy?.Dispose();
    }

    /// <summary>Allocates the packed softmax rows for <paramref name="rows"/> rows now.</summary>
    public void Reserve(int rows) => EnsureCapacity(rows);

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
        {
            return;
        }

        _packed?.Dispose();
        _gradEntropy?.Dispose();
        _packed = device.Allocate((long)rows * (k + 1));
        _gradEntropy = device.Allocate(rows);
        _capacity = rows;
    }
}
