using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Nn;

namespace Tensorless.Gpu;

/// <summary>
/// A chain of the CPU policy's <see cref="Linear"/> layers on a device, for one minibatch at a time: the layers'
/// parameters are uploaded before each forward pass, the forward pass keeps every layer's activations, and the backward
/// pass writes each layer's weight and bias gradient, which <see cref="DownloadGradients"/> copies into the CPU
/// parameters' <c>Grad</c>. The arithmetic is the CPU's: <c>z = b + x W^T</c> (bias broadcast, then the accumulating
/// GEMM), the activation between layers and after none of the last; backward <c>dW = dz^T x</c>, <c>db</c> the column
/// sums of dz, <c>dx = dz W</c>, then the activation's rule.
/// </summary>
internal sealed class DeviceMlp : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly IReadOnlyList<Linear> _layers;
    private readonly Activation _activation;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>[] _weights;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>[] _biases;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>[] _weightGrads;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>[] _biasGrads;
    private MemoryBuffer1D<double, Stride1D.Dense>[] _pre = [];
    private MemoryBuffer1D<double, Stride1D.Dense>[] _post = [];
    private MemoryBuffer1D<double, Stride1D.Dense>[] _gradPre = [];
    private MemoryBuffer1D<double, Stride1D.Dense>[] _gradPost = [];
    private int _capacity;

    public DeviceMlp(GpuDevice device, DeviceKernels kernels, IReadOnlyList<Linear> layers, Activation activation)
    {
        _device = device;
        _kernels = kernels;
        _layers = layers;
        _activation = activation;
        _weights = [.. layers.Select(l => device.Allocate(l.Weight.Data.Length))];
        _biases = [.. layers.Select(l => device.Allocate(l.OutFeatures))];
        _weightGrads = [.. layers.Select(l => device.Allocate(l.Weight.Data.Length))];
        _biasGrads = [.. layers.Select(l => device.Allocate(l.OutFeatures))];
    }

    /// <summary>Width of the last layer's output.</summary>
    public int Outputs => _layers[^1].OutFeatures;

    /// <summary>Copies the CPU layers' current weights and biases to the device.</summary>
    public void UploadParameters()
    {
        for (int l = 0; l < _layers.Count; l++)
        {
            _device.CopyToDevice(_layers[l].Weight.Data, _weights[l].View);
            if (_layers[l].Bias is { } bias)
            {
                _device.CopyToDevice(bias.Data, _biases[l].View);
            }
            else
            {
                _biases[l].MemSetToZero();
            }
        }
    }

    /// <summary>The forward pass over <paramref name="rows"/> rows of <paramref name="input"/>; returns the last layer's output.</summary>
    public ArrayView<double> Forward(ArrayView<double> input, int rows)
    {
        EnsureCapacity(rows);
        var x = input;
        for (int l = 0; l < _layers.Count; l++)
        {
            var layer = _layers[l];
            var z = _pre[l].View.SubView(0, (long)rows * layer.OutFeatures);
            _kernels.BroadcastRow(_biases[l].View, z, rows, layer.OutFeatures);
            _kernels.MatMulTransposeB(x, _weights[l].View, z, rows, layer.InFeatures, layer.OutFeatures, accumulate: true);
            if (l == _layers.Count - 1)
            {
                return z;
            }

            var h = _post[l].View.SubView(0, (long)rows * layer.OutFeatures);
            Activate(_kernels, _activation, z, h, rows * layer.OutFeatures);
            x = h;
        }

        throw new InvalidOperationException("An MLP has at least one layer.");
    }

    /// <summary>The last layer's output of the last <see cref="Forward"/> over <paramref name="rows"/> rows.</summary>
    public ArrayView<double> LastOutput(int rows) => _pre[^1].View.SubView(0, (long)rows * Outputs);

    /// <summary>
    /// The backward pass for upstream gradient <paramref name="gradOutput"/> of the last <see cref="Forward"/>'s output
    /// (same <paramref name="input"/> and <paramref name="rows"/>): leaves every layer's weight and bias gradient on the device.
    /// </summary>
    public void Backward(ArrayView<double> input, ArrayView<double> gradOutput, int rows)
    {
        var dz = gradOutput;
        for (int l = _layers.Count - 1; l >= 0; l--)
        {
            var layer = _layers[l];
            ArrayView<double> x = l == 0 ? input : (ArrayView<double>)_post[l - 1].View.SubView(0, (long)rows * layer.InFeatures);
            _kernels.MatMulTransposeA(dz, x, _weightGrads[l].View, layer.OutFeatures, rows, layer.InFeatures);
            _biasGrads[l].MemSetToZero();
            _kernels.AccumulateColumnSums(dz, _biasGrads[l].View, rows, layer.OutFeatures);
            if (l == 0)
            {
                break;
            }

            int n = rows * layer.InFeatures;
            var dh = _gradPost[l - 1].View.SubView(0, n);
            _kernels.MatMul(dz, _weights[l].View, dh, rows, layer.OutFeatures, layer.InFeatures);
            var dzPrevious = _gradPre[l - 1].View.SubView(0, n);
            ActivateBackward(_kernels, _activation, dh, _pre[l - 1].View.SubView(0, n), _post[l - 1].View.SubView(0, n), dzPrevious, n);
            dz = dzPrevious;
        }
    }

    /// <summary>Each CPU parameter with its device copy and its device gradient (a layer without bias has no bias entry).</summary>
    public IEnumerable<(Parameter Parameter, ArrayView<double> Value, ArrayView<double> Grad)> Views()
    {
        for (int l = 0; l < _layers.Count; l++)
        {
            yield return (_layers[l].Weight, _weights[l].View, _weightGrads[l].View);
            if (_layers[l].Bias is { } bias)
            {
                yield return (bias, _biases[l].View, _biasGrads[l].View);
            }
        }
    }

    /// <summary>Copies the device gradients into the CPU parameters' <c>Grad</c> (overwriting them).</summary>
    public void DownloadGradients()
    {
        foreach (var (parameter, _, grad) in Views())
        {
            _device.CopyToHost(grad, parameter.Grad);
        }
    }

    public void Dispose()
    {
        foreach (var buffer in _weights.Concat(_biases).Concat(_weightGrads).Concat(_biasGrads).Concat(_pre).Concat(_post).Concat(_gradPre).Concat(_gradPost))
        {
            buffer.Dispose();
        }
    }

    /// <summary><c>h = activation(z)</c> over n elements (identity as a copy), the hidden layers' map; <see cref="DeviceMlpStack"/> uses it too.</summary>
    public static void Activate(DeviceKernels kernels, Activation activation, ArrayView<double> z, ArrayView<double> h, int n)
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
    /// from the pre-activation <paramref name="z"/> (relu) or the output <paramref name="h"/> (tanh); <see cref="DeviceMlpStack"/> uses it too.
    /// </summary>
    public static void ActivateBackward(DeviceKernels kernels, Activation activation, ArrayView<double> dh, ArrayView<double> z, ArrayView<double> h, ArrayView<double> dz, int n)
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

        foreach (var buffer in _pre.Concat(_post).Concat(_gradPre).Concat(_gradPost))
        {
            buffer.Dispose();
        }

        _pre = [.. _layers.Select(l => _device.Allocate((long)rows * l.OutFeatures))];
        _post = [.. _layers.Select(l => _device.Allocate((long)rows * l.OutFeatures))];
        _gradPre = [.. _layers.Select(l => _device.Allocate((long)rows * l.OutFeatures))];
        _gradPost = [.. _layers.Select(l => _device.Allocate((long)rows * l.OutFeatures))];
        _capacity = rows;
    }
}
