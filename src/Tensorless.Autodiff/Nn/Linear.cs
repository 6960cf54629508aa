namespace Tensorless.Autodiff.Nn;

/// <summary>
/// A fully connected layer <c>y = x W^T + b</c> with PyTorch's layout: weight [out x in], bias [1 x out] here and the 1-D
/// <c>[out]</c> in checkpoints, so a <c>state_dict</c> maps onto it name for name. Construction applies PyTorch's default
/// initialisation, as <c>nn.Linear</c> does, so re-initialising afterwards (CleanRL's <c>layer_init</c>) consumes the
/// generator the same way PyTorch consumes its own.
/// </summary>
public sealed class Linear : IModule
{
    private Tensor? _weightSnapshot;
    private bool _snapshotActive;

    /// <summary>Creates a layer named <paramref name="name"/> (parameters <c>name.weight</c> and <c>name.bias</c>) with PyTorch's default init.</summary>
    /// <param name="name">Dotted prefix, e.g. <c>actor.0</c>; empty gives plain <c>weight</c> and <c>bias</c>.</param>
    /// <param name="inFeatures">Input width.</param>
    /// <param name="outFeatures">Output width.</param>
    /// <param name="rng">Generator for the default initialisation.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <exception cref="ArgumentException">A width is not positive.</exception>
    public Linear(string name, int inFeatures, int outFeatures, Xoshiro256 rng, bool bias = true)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(rng);
        if (inFeatures <= 0 || outFeatures <= 0)
        {
            throw new ArgumentException($"Linear '{name}' needs positive widths, got in={inFeatures}, out={outFeatures}.");
        }

        Name = name;
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = new Parameter(Join(name, "weight"), outFeatures, inFeatures);
        Parameters = new ParameterSet();
        Parameters.Add(Weight);
        if (bias)
        {
            Bias = new Parameter(Join(name, "bias"), 1, outFeatures);
            Parameters.AddVector(Bias);
        }

        ResetParameters(rng);
    }

    /// <summary>The dotted prefix of the parameter names.</summary>
    public string Name { get; }

    /// <summary>Input width.</summary>
    public int InFeatures { get; }

    /// <summary>Output width.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, [out x in].</summary>
    public Parameter Weight { get; }

    /// <summary>The bias, [1 x out], or null for a layer without one.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc />
    public ParameterSet Parameters { get; }

    /// <summary>Computes <c>x W^T + b</c> for a [batch x in] input on <paramref name="tape"/>.</summary>
    /// <exception cref="ArgumentException">The input does not have <see cref="InFeatures"/> columns.</exception>
    public Tensor Forward(Tape tape, Tensor x)
    {
        ArgumentNullException.ThrowIfNull(tape);
        return _snapshotActive && !tape.IsRecording
            ? tape.LinearTransposedWeight(x, _weightSnapshot!, Bias?.Value)
            : tape.Linear(x, Weight, Bias?.Value);
    }

    /// <summary>
    /// Copies W^T into a snapshot that inference (a non-recording tape) then uses instead of transposing the weight on
    /// every call, until <see cref="ReleaseInferenceSnapshot"/>. The results are the same bits either way; the caller
    /// promises not to change the weights while the snapshot is held (a rollout does not). Layers with fewer than 4
    /// outputs, which the forward kernel does not transpose, keep the plain path.
    /// </summary>
    public void TakeInferenceSnapshot()
    {
        if (OutFeatures < 4 || !Kernels.Gemm.IsVectorized)
        {
            return;
        }

        _weightSnapshot ??= new Tensor(InFeatures, OutFeatures);
        Kernels.Gemm.Transpose(Weight.Data, OutFeatures, InFeatures, _weightSnapshot.Data);
        _snapshotActive = true;
    }

    /// <summary>Makes inference read the weights themselves again.</summary>
    public void ReleaseInferenceSnapshot() => _snapshotActive = false;

    /// <summary>Re-applies PyTorch's default initialisation (see <see cref="Init.PyTorchDefault"/>).</summary>
    public void ResetParameters(Xoshiro256 rng) => Init.PyTorchDefault(Weight, Bias, rng);

    /// <summary>CleanRL's <c>layer_init</c>: orthogonal weight with <paramref name="gain"/>, bias set to <paramref name="biasConstant"/>.</summary>
    /// <exception cref="ArgumentException">The gain is negative or not finite.</exception>
    public void InitOrthogonal(double gain, double biasConstant, Xoshiro256 rng)
    {
        Init.Orthogonal(Weight, gain, rng);
        if (Bias is not null)
        {
            Init.Constant(Bias, biasConstant);
        }
    }

    /// <summary>Sets the weight and bias to zero (a layer whose initial output is zero).</summary>
    public void InitZeros()
    {
        Init.Zeros(Weight);
        if (Bias is not null)
        {
            Init.Zeros(Bias);
        }
    }

    /// <summary>Joins a dotted prefix and a leaf name.</summary>
    internal static string Join(string prefix, string leaf) => prefix.Length == 0 ? leaf : $"{prefix}.{leaf}";

    /// <inheritdoc />
    public override string ToString() => $"Linear({Name}: {InFeatures} -> {OutFeatures}{(Bias is null ? ", no bias" : "")})";
}
