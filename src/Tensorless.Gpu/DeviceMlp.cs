using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Nn;

namespace Tensorless.Gpu;

/// <summary>
/// A chain of the CPU policy's <see cref="Linear"/> layers on a device, for one minibatch at a time: the one-member case
/// of <see cref="DeviceMlpStack"/> (its forward and backward passes, the CPU's arithmetic), tied to the CPU parameters:
/// <see cref="UploadParameters"/> copies them up before a pass, <see cref="Views"/> pairs each with its device copy and
/// gradient (for <see cref="DeviceOptimizer"/>), and <see cref="DownloadGradients"/> copies the gradients into the CPU
/// parameters' <c>Grad</c>.
/// </summary>
internal sealed class DeviceMlp : IDisposable
{
    private readonly GpuDevice _device;
    private readonly IReadOnlyList<Linear> _layers;
    private readonly DeviceMlpStack _stack;

    public DeviceMlp(GpuDevice device, DeviceKernels kernels, IReadOnlyList<Linear> layers, Activation activation)
    {
        _device = device;
        _layers = layers;
        _stack = new DeviceMlpStack(device, kernels, layers, activation, members: 1);
        _stack.EnableTraining();
    }

    /// <summary>Copies the CPU layers' current weights and biases (zeros for a layer without bias) to the device.</summary>
    public void UploadParameters() => _stack.Upload([_layers]);

    /// <summary>The forward pass over <paramref name="rows"/> rows of <paramref name="input"/>; returns the last layer's output.</summary>
    public ArrayView<double> Forward(ArrayView<double> input, int rows) => _stack.Forward(input, rows);

    /// <summary>The last layer's output of the last <see cref="Forward"/> over <paramref name="rows"/> rows.</summary>
    public ArrayView<double> LastOutput(int rows) => _stack.LastOutput(rows);

    /// <summary>
    /// The backward pass for upstream gradient <paramref name="gradOutput"/> of the last <see cref="Forward"/>'s output
    /// (same <paramref name="input"/> and <paramref name="rows"/>): leaves every layer's weight and bias gradient on the device.
    /// </summary>
    public void Backward(ArrayView<double> input, ArrayView<double> gradOutput, int rows) => _stack.Backward(input, gradOutput, rows);

    /// <summary>Each CPU parameter with its device copy and its device gradient (a layer without bias has no bias entry).</summary>
    public IEnumerable<(Parameter Parameter, ArrayView<double> Value, ArrayView<double> Grad)> Views()
    {
        for (int l = 0; l < _layers.Count; l++)
        {
            var weight = _stack.Weight(l);
            yield return (_layers[l].Weight, weight.Value, weight.Grad);
            if (_layers[l].Bias is { } bias)
            {
                var b = _stack.Bias(l);
                yield return (bias, b.Value, b.Grad);
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

    public void Dispose() => _stack.Dispose();
}
