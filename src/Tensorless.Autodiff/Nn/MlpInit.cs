namespace Tensorless.Autodiff.Nn;

/// <summary>
/// Per-layer initialisation of an <see cref="Mlp"/>. The orthogonal preset mirrors CleanRL's PPO: hidden layers use gain
/// sqrt(2), the policy head 0.01 (so the initial policy is near uniform) and the value head 1.0, biases 0.
/// </summary>
public sealed record MlpInit
{
    /// <summary>The weight scheme for every layer (before <see cref="ZeroLastLayer"/> applies).</summary>
    public InitScheme Scheme { get; init; } = InitScheme.PyTorchDefault;

    /// <summary>Orthogonal gain of the hidden layers; sqrt(2) is the gain PyTorch recommends for ReLU and CleanRL uses with tanh.</summary>
    public double HiddenGain { get; init; } = Math.Sqrt(2.0);

    /// <summary>Orthogonal gain of the last layer: 0.01 for a policy head, 1.0 for a value head.</summary>
    public double OutputGain { get; init; } = 1.0;

    /// <summary>The constant every bias starts at under the orthogonal scheme.</summary>
    public double BiasConstant { get; init; }

    /// <summary>When true the last layer's weight and bias start at zero, whatever the scheme (a zero initial output).</summary>
    public bool ZeroLastLayer { get; init; }

    /// <summary>
    /// For a network whose every layer is hidden (a shared trunk the heads sit on): its last layer gets
    /// <see cref="HiddenGain"/> too, as SB3 and CleanRL give sqrt(2) to every hidden layer.
    /// </summary>
    public static MlpInit Trunk(InitScheme scheme) => new() { Scheme = scheme, OutputGain = Math.Sqrt(2.0) };

    /// <summary>PyTorch's default initialisation for every layer.</summary>
    public static MlpInit PyTorchDefault { get; } = new();

    /// <summary>CleanRL's <c>layer_init</c>: orthogonal with gain sqrt(2) in hidden layers, <paramref name="outputGain"/> at the end, zero biases.</summary>
    public static MlpInit Orthogonal(double outputGain) => new() { Scheme = InitScheme.Orthogonal, OutputGain = outputGain };

    /// <summary>Checks the gains are finite and non-negative.</summary>
    /// <exception cref="ArgumentException">A gain or the bias constant is not finite, or a gain is negative.</exception>
    public void Validate()
    {
        if (!double.IsFinite(HiddenGain) || HiddenGain < 0)
        {
            throw new ArgumentException($"MlpInit.HiddenGain must be finite and non-negative, got {HiddenGain}.", nameof(HiddenGain));
        }

        if (!double.IsFinite(OutputGain) || OutputGain < 0)
        {
            throw new ArgumentException($"MlpInit.OutputGain must be finite and non-negative, got {OutputGain}.", nameof(OutputGain));
        }

        if (!double.IsFinite(BiasConstant))
        {
            throw new ArgumentException($"MlpInit.BiasConstant must be finite, got {BiasConstant}.", nameof(BiasConstant));
        }
    }
}
