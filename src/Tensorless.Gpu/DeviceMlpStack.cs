using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff.Nn;

namespace Tensorless.Gpu;

/// <summary>
/// The same MLP shape for K agents at once on a device: layer l's weights of every member back to back [K x out x in],
/// its biases [K x out], and one forward pass over [K x rows x in] inputs as one batched GEMM per layer (each member's
/// product the CPU's bits, <see cref="DeviceKernels.BatchedMatMulTransposeB"/>). The arithmetic is the CPU's:
/// <c>z = b + x W^T</c> (bias broadcast, then the accumulating GEMM), the activation between layers and none after the
/// last. One agent's <see cref="DeviceMlp"/> is the one-member case. For a
/// population's batched update it also runs every member's backward pass (DeviceMlpStack.Training.cs).
/// </summary>
internal sealed partial class DeviceMlpStack : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly int[] _in, _out;
    private readonly Activation _activation;
    private readonly int _members;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>[] _weights, _biases;
    private readonly double[][] _hostWeights, _hostBiases;
    private MemoryBuffer1D<double, Stride1D.Dense>[] _pre = [], _post = [];
    private int _capacity;

    /// <summary>Allocates the stack for <paramref name="members"/> copies of <paramref name="shape"/>'s layer sizes.</summary>
    public DeviceMlpStack(GpuDevice device, DeviceKernels kernels, IReadOnlyList<Linear> shape, Activation activation, int members)
    {
        _device = device;
        _kernels = kernels;
        _in = [.. shape.Select(l => l.InFeatures)];
        _out = [.. shape.Select(l => l.OutFeatures)];
        _activation = activation;
        _members = members;
        _weights = [.. shape.Select(l => device.Allocate((long)members * l.InFeatures * l.OutFeatures))];
        _biases = [.. shape.Select(l => device.Allocate((long)members * l.OutFeatures))];
        _hostWeights = new double[shape.Count][];
        _hostBiases = new double[shape.Count][];
    }

    /// <summary>
    /// Copies every member's weights and biases (zeros for a layer without bias) to the device: packed on the host, then
    /// one copy per array, so the number of copies does not grow with K.
    /// </summary>
    public void Upload(IReadOnlyList<IReadOnlyList<Linear>> members)
    {
        for (int l = 0; l < _in.Length; l++)
        {
            int w = _in[l] * _out[l];
            _hostWeights[l] ??= new double[(long)_members * w];
            _hostBiases[l] ??= new double[(long)_members * _out[l]];
            for (int k = 0; k < _members; k++)
            {
                var layer = members[k][l];
                layer.Weight.Data.CopyTo(_hostWeights[l].AsSpan(k * w, w));
                var bias = _hostBiases[l].AsSpan(k * _out[l], _out[l]);
                if (layer.Bias is { } b)
                {
                    b.Data.CopyTo(bias);
                }
                else
                {
                    bias.Clear();
                }
            }

            _device.CopyToDevice(_hostWeights[l], _weights[l].View);
            _device.CopyToDevice(_hostBiases[l], _biases[l].View);
        }
    }

    /// <summary>The forward pass of every member over its <paramref name="rows"/> rows of <paramref name="input"/> [K x rows x in]; returns [K x rows x out].</summary>
    public ArrayView<double> Forward(ArrayView<double> input, int rows)
    {
        EnsureCapacity(rows);
        var x = input;
        for (int l = 0; l < _in.Length; l++)
        {
            long size = (long)_members * rows * _out[l];
            var z = _pre[l].View.SubView(0, size);
            _kernels.BatchedBroadcastRow(_biases[l].View, z, _members, rows, _out[l]); // z = b, row by row
            _kernels.BatchedMatMulTransposeB(x, _weights[l].View, z, _members, rows, _in[l], _out[l], accumulate: true);
            if (l == _in.Length - 1)
            {
                return z;
            }

            var h = _post[l].View.SubView(0, size);
            Activate(_kernels, _activation, z, h, (int)size);
            x = h;
        }

        throw new InvalidOperationException("An MLP has at least one layer.");
    }

    public void Dispose()
    {
        foreach (var buffer in _weights.Concat(_biases).Concat(_pre).Concat(_post).Concat(_weightGrads).Concat(_biasGrads).Concat(_gradPre).Concat(_gradPost))
        {
            buffer.Dispose();
        }
    }

    /// <summary>Allocates the activations (and, with training enabled, their gradients) for <paramref name="rows"/> rows per member now, so a device too small fails here rather than in the first pass.</summary>
    public void Reserve(int rows) => EnsureCapacity(rows);

    /// <summary><c>h = activation(z)</c> over n elements (identity as a copy), the hidden layers' map.</summary>
    private static void Activate(DeviceKernels kernels, Activation activation, ArrayView<double> z, ArrayView<double> h, int n)
    {
        switch (activation)
        {
            case Activation.Tanh:
                kernels.Tanh(z, h, n);
                break;
            case Activation.Relu:
                kernels.Relu(z, h, n);
                break;
            default:
                kernels.Scale(z, 1.0, h, n);
                break;
        }
    }

    /// <summary>
    /// The hidden layers' rule: <c>dz = dh * activation'(z)</c> into <paramref name="dz"/> (zeroed first) over n elements,
    /// from the pre-activation <paramref name="z"/> (relu) or the output <paramref name="h"/> (tanh).
    /// </summary>
    private static void ActivateBackward(DeviceKernels kernels, Activation activation, ArrayView<double> dh, ArrayView<double> z, ArrayView<double> h, ArrayView<double> dz, int n)
    {
        dz.MemSetToZero();
        switch (activation)
        {
            case Activation.Tanh:
                kernels.AccumulateTanhBackward(dh, h, dz, n);
                break;
            case Activation.Relu:
                kernels.AccumulateReluBackward(dh, z, dz, n);
                break;
            default:
                kernels.Accumulate(dh, dz, n);
                break;
        }
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
        {
            return;
        }

        foreach (var buffer in _pre.Concat(_post))
        {
            buffer.Dispose();
        }

        _pre = [.. _out.Select(o => _device.Allocate((long)_members * rows * o))];
        _post = [.. _out.Select(o => _device.Allocate((long)_members * rows * o))];
        _capacity = rows;
        if (_training)
        {
            AllocateGradients(rows);
        }
    }
}
