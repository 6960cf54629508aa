namespace Tensorless.Autodiff.Nn;

/// <summary>How an <see cref="Mlp"/> initialises the weights of its linear layers.</summary>
public enum InitScheme
{
    /// <summary>
    /// PyTorch's <c>nn.Linear</c> default: weight and bias uniform in ±1/sqrt(fan_in), which is what
    /// <c>kaiming_uniform_(a=sqrt(5))</c> works out to.
    /// </summary>
    PyTorchDefault,

    /// <summary>
    /// Orthogonal weights scaled by a gain and constant biases, as CleanRL's <c>layer_init</c> and SB3's
    /// <c>ortho_init</c> do (Saxe et al. 2014; Andrychowicz et al. 2021 found it matters for PPO).
    /// </summary>
    Orthogonal,
}
