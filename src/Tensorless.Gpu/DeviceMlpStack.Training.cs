using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff.Nn;

namespace Tensorless.Gpu;

/// <summary>
/// The stack's training half, for a population's batched update and one agent's (<see cref="DeviceMlp"/>): every
/// member's backward pass as one batched GEMM per product (<c>dW = dz^T x</c>, <c>db</c> the column sums of dz,
/// <c>dx = dz W</c>, then the activation's rule; each member's gradient the bits it would have alone), the stacked
/// weights' and biases' values and gradients for the clipping and the optimizer, and the trained weights back into the
/// members' CPU layers.
/// </summary>
internal sealed partial class DeviceMlpStack
{
    private MemoryBuffer1D<double, Stride1D.Dense>[] _weightGrads = [], _biasGrads = [], _gradPre = [], _gradPost = [];
    private bool _training;

    /// <summary>Layers in the stack.</summary>
    public int Layers => _in.Length;

    /// <summary>Allocates the gradients (once), so <see cref="Backward"/> can run.</summary>
    public void EnableTraining()
    {
        if (_training)
        {
            return;
        }

        _training = true;
        _weightGrads = [.. _in.Select((n, l) => _device.Allocate((long)_members * n * _out[l]))];
        _biasGrads = [.. _out.Select(o => _device.Allocate((long)_members * o))];
        if (_capacity > 0)
        {
            AllocateGradients(_capacity);
        }
    }

    /// <summary>Layer <paramref name="layer"/>'s stacked weights [K x out x in] and their gradient, and one member's length.</summary>
    public (ArrayView<double> Value, ArrayView<double> Grad, int Length) Weight(int layer) =>
        (_weights[layer].View, Grads(_weightGrads, layer), _in[layer] * _out[layer]);

    /// <summary>Layer <paramref name="layer"/>'s stacked biases [K x out] and their gradient, and one member's length.</summary>
    public (ArrayView<double> Value, ArrayView<double> Grad, int Length) Bias(int layer) =>
        (_biases[layer].View, Grads(_biasGrads, layer), _out[layer]);

    /// <summary>The last layer's output [K x rows x out] of the last <see cref="Forward"/> over <paramref name="rows"/> rows.</summary>
    public ArrayView<double> LastOutput(int rows) => _pre[^1].View.SubView(0, (long)_members * rows * _out[^1]);

    /// <summary>
    /// Every member's backward pass for upstream gradient <paramref name="gradOutput"/> [K x rows x out] of the last
    /// <see cref="Forward"/> (same <paramref name="input"/> and <paramref name="rows"/>): leaves each member's weight and
    /// bias gradients in the stacked gradients.
    /// </summary>
    public void Backward(ArrayView<double> input, ArrayView<double> gradOutput, int rows)
    {
        if (!_training)
        {
            throw new InvalidOperationException("Call EnableTraining before Backward.");
        }

        var dz = gradOutput;
        for (int l = _in.Length - 1; l >= 0; l--)
        {
            long inputs = (long)_members * rows * _in[l];
            ArrayView<double> x = l == 0 ? input : (ArrayView<double>)_post[l - 1].View.SubView(0, inputs);
            _kernels.BatchedMatMulTransposeA(dz, x, _weightGrads[l].View, _members, _out[l], rows, _in[l]);
            _biasGrads[l].MemSetToZero();
            _kernels.BatchedAccumulateColumnSums(dz, _biasGrads[l].View, _members, rows, _out[l]);
            if (l == 0)
            {
                break;
            }

            var dh = _gradPost[l - 1].View.SubView(0, inputs);
            _kernels.BatchedMatMul(dz, _weights[l].View, dh, _members, rows, _out[l], _in[l]);
            var dzPrevious = _gradPre[l - 1].View.SubView(0, inputs);
            ActivateBackward(_kernels, _activation, dh, _pre[l - 1].View.SubView(0, inputs), _post[l - 1].View.SubView(0, inputs), dzPrevious, (int)inputs);
            dz = dzPrevious;
        }
    }

    /// <summary>Copies the trained weights and biases back into the members' CPU layers (one copy per array); a null entry leaves that member's layers alone.</summary>
    public void Download(IReadOnlyList<IReadOnlyList<Linear>?> members)
    {
        for (int l = 0; l < _in.Length; l++)
        {
            int w = _in[l] * _out[l];
            _device.CopyToHost(_weights[l].View, _hostWeights[l]);
            _device.CopyToHost(_biases[l].View, _hostBiases[l]);
            for (int k = 0; k < _members; k++)
            {
                if (members[k] is not { } layers)
                {
                    continue;
                }

                var layer = layers[l];
                _hostWeights[l].AsSpan(k * w, w).CopyTo(layer.Weight.Data);
                if (layer.Bias is { } b)
                {
                    _hostBiases[l].AsSpan(k * _out[l], _out[l]).CopyTo(b.Data);
                }
            }
        }
    }

    private ArrayView<double> Grads(MemoryBuffer1D<double, Stride1D.Dense>[] grads, int layer) =>
        _training ? grads[layer].View : throw new InvalidOperationException("Call EnableTraining first.");

    private void AllocateGradients(int rows)
    {
        foreach (var buffer in _gradPre.Concat(_gradPost))
        {
            buffer.Dispose();
        }

        _gradPre = [.. _out.Select(o => _device.Allocate((long)_members * rows * o))];
        _gradPost = [.. _out.Select(o => _device.Allocate((long)_members * rows * o))];
    }
}
