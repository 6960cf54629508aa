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
}
