namespace Tensorless.Autodiff.Nn;

/// <summary>The element-wise non-linearity an <see cref="Mlp"/> applies between its layers.</summary>
public enum Activation
{
    /// <summary>Hyperbolic tangent, the default of SB3's and CleanRL's on-policy networks.</summary>
    Tanh,

    /// <summary>Rectified linear unit, <c>max(0, x)</c>.</summary>
    Relu,

    /// <summary>No non-linearity (the layers compose into one affine map).</summary>
    Identity,
}
