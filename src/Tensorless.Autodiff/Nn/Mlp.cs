namespace Tensorless.Autodiff.Nn;

/// <summary>
/// A multi-layer perceptron: linear layers with an activation between them and none after the last. Layers are named as
/// in a PyTorch <c>nn.Sequential(Linear, Tanh, Linear, Tanh, Linear)</c>, whose activations take the odd indices, so the
/// parameters are <c>prefix.0.weight</c>, <c>prefix.2.weight</c>, <c>prefix.4.weight</c>: a CleanRL <c>actor</c> or
/// <c>critic</c> state_dict loads by name.
/// </summary>
public sealed class Mlp : IModule
{
    private readonly Linear[] _layers;

    /// <summary>Creates the network and initialises it.</summary>
    /// <param name="prefix">Dotted name prefix, e.g. <c>actor</c>.</param>
    /// <param name="sizes">Layer widths from input to output, e.g. [4, 64, 64, 2]; at least two.</param>
    /// <param name="activation">Non-linearity between layers.</param>
    /// <param name="rng">Generator for the initialisation.</param>
    /// <param name="init">Initialisation; PyTorch's default when null.</param>
    /// <exception cref="ArgumentException">Fewer than two sizes, a size that is not positive, or an invalid <paramref name="init"/>.</exception>
    public Mlp(string prefix, IReadOnlyList<int> sizes, Activation activation, Xoshiro256 rng, MlpInit? init = null)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        ArgumentNullException.ThrowIfNull(sizes);
        ArgumentNullException.ThrowIfNull(rng);
        if (sizes.Count < 2)
        {
            throw new ArgumentException($"An Mlp needs at least an input and an output size, got {sizes.Count} sizes.", nameof(sizes));
        }

        for (int i = 0; i < sizes.Count; i++)
        {
            if (sizes[i] <= 0)
            {
                throw new ArgumentException($"Mlp sizes must be positive, got {sizes[i]} at position {i}.", nameof(sizes));
            }
        }

        if (!Enum.IsDefined(activation))
        {
            throw new ArgumentException($"Unknown activation {activation}.", nameof(activation));
        }

        init ??= MlpInit.PyTorchDefault;
        init.Validate();
        Prefix = prefix;
        Activation = activation;
        Sizes = sizes.ToArray();
        _layers = new Linear[sizes.Count - 1];
        Parameters = new ParameterSet();
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = new Linear(Linear.Join(prefix, (2 * i).ToString(System.Globalization.CultureInfo.InvariantCulture)), sizes[i], sizes[i + 1], rng);
            bool last = i == _layers.Length - 1;
            if (last && init.ZeroLastLayer)
            {
                layer.InitZeros();
            }
            else if (init.Scheme == InitScheme.Orthogonal)
            {
                layer.InitOrthogonal(last ? init.OutputGain : init.HiddenGain, init.BiasConstant, rng);
            }

            _layers[i] = layer;
            Parameters.AddRange(layer.Parameters);
        }
    }

    /// <summary>The dotted name prefix.</summary>
    public string Prefix { get; }

    /// <summary>The activation between layers.</summary>
    public Activation Activation { get; }

    /// <summary>Layer widths from input to output.</summary>
    public IReadOnlyList<int> Sizes { get; }

    /// <summary>Input width.</summary>
    public int InputSize => Sizes[0];

    /// <summary>Output width.</summary>
    public int OutputSize => Sizes[^1];

    /// <summary>The linear layers in order.</summary>
    public IReadOnlyList<Linear> Layers => _layers;

    /// <inheritdoc />
    public ParameterSet Parameters { get; }

    /// <summary>Takes an inference snapshot of every layer's transposed weight (see <see cref="Linear.TakeInferenceSnapshot"/>).</summary>
    public void TakeInferenceSnapshot()
    {
        foreach (var layer in _layers)
        {
            layer.TakeInferenceSnapshot();
        }
    }

    /// <summary>Releases every layer's inference snapshot.</summary>
    public void ReleaseInferenceSnapshot()
    {
        foreach (var layer in _layers)
        {
            layer.ReleaseInferenceSnapshot();
        }
    }

    /// <summary>Runs a [batch x in] input through the network on <paramref name="tape"/>, giving [batch x out].</summary>
    /// <exception cref="ArgumentException">The input does not have <see cref="InputSize"/> columns.</exception>
    public Tensor Forward(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (x.Cols != InputSize)
        {
            throw new ArgumentException($"Mlp '{Prefix}' expects {InputSize} input features, got {x.ShapeText}.", nameof(x));
        }

        Tensor h = x;
        for (int i = 0; i < _layers.Length; i++)
        {
            h = _layers[i].Forward(tape, h);
            if (i < _layers.Length - 1)
            {
                h = Activation switch
                {
                    Activation.Tanh => tape.Tanh(h),
                    Activation.Relu => tape.Relu(h),
                    _ => h,
                };
            }
        }

        return h;
    }

    /// <summary>
    /// <see cref="Forward"/> plus its forward-mode derivative (Pearlmutter's R-op): alongside the output y it computes
    /// <c>J v</c>, the change of y per unit step of the parameters along <paramref name="parameterTangent"/>, exactly (no
    /// finite difference). The tangent is laid out as <see cref="Parameters"/> copies values (each layer's weight, then its
    /// bias). Per layer, from <c>z = h W^T + b</c> and <c>h' = act(z)</c>:
    /// <c>dz = h dW^T + db + dh W^T</c> and <c>dh' = act'(z) * dz</c> (tanh: <c>(1 - h'^2) dz</c>; relu: <c>[z &gt; 0] dz</c>).
    /// The output is recorded on <paramref name="tape"/> as <see cref="Forward"/> records it (its backward gives
    /// <c>J^T u</c>); the tangent is computed beside it into the tape's workspace and is not differentiable.
    /// </summary>
    /// <param name="tape">The tape; recording or not.</param>
    /// <param name="x">Input [batch x in] (a constant: its own tangent is zero).</param>
    /// <param name="parameterTangent">A direction in parameter space, <see cref="ParameterSet.TotalLength"/> values.</param>
    /// <param name="outputTangent">J v, [batch x out].</param>
    /// <returns>The output y, [batch x out].</returns>
    /// <exception cref="ArgumentException">The input does not have <see cref="InputSize"/> columns, or the tangent's length is wrong.</exception>
    public Tensor ForwardWithTangent(Tape tape, Tensor x, ReadOnlySpan<double> parameterTangent, out Tensor outputTangent)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(x);
        if (parameterTangent.Length != Parameters.TotalLength)
        {
            throw new ArgumentException($"Mlp '{Prefix}' needs a parameter tangent of {Parameters.TotalLength} values, got {parameterTangent.Length}.", nameof(parameterTangent));
        }

        if (x.Cols != InputSize)
        {
            throw new ArgumentException($"Mlp '{Prefix}' expects {InputSize} input features, got {x.ShapeText}.", nameof(x));
        }

        Tensor h = x;
        Tensor? dh = null;
        int offset = 0;
        for (int i = 0; i < _layers.Length; i++)
        {
            var layer = _layers[i];
            int m = h.Rows, n = layer.InFeatures, o = layer.OutFeatures;
            var dW = parameterTangent.Slice(offset, o * n);
            offset += o * n;
            var z = layer.Forward(tape, h);
            var dz = tape.Workspace.Allocate(m, o);
            if (layer.Bias is not null)
            {
                Kernels.ElementwiseKernels.BroadcastRow(parameterTangent.Slice(offset, o), dz.Data, m);
                offset += o;
            }

            // dz = db + h dW^T + dh W^T
            Kernels.Gemm.MatMulTransposeB(h.Data, dW, dz.Data, m, n, o, accumulate: true);
            if (dh is not null)
            {
                Kernels.Gemm.MatMulTransposeB(dh.Data, layer.Weight.Data, dz.Data, m, n, o, accumulate: true);
            }

            if (i == _layers.Length - 1)
            {
                outputTangent = dz;
                return z;
            }

            // the activation's Jacobian is diagonal, the same one its backward rule applies: dh' = act'(z) * dz
            var next = tape.Workspace.Allocate(m, o);
            switch (Activation)
            {
                case Activation.Tanh:
                    h = tape.Tanh(z);
                    Kernels.GradientKernels.Accumulate(dz.Data, h.Data, next.Data, default(Kernels.TanhGradient));
                    break;
                case Activation.Relu:
                    h = tape.Relu(z);
                    Kernels.GradientKernels.Accumulate(dz.Data, z.Data, next.Data, default(Kernels.ReluGradient));
                    break;
                default:
                    h = z;
                    dz.Data.CopyTo(next.Data);
                    break;
            }

            dh = next;
        }

        throw new InvalidOperationException("An Mlp has at least one layer.");
    }
}
