namespace Tensorless.Autodiff.Nn;

/// <summary>
/// Something that owns trainable parameters: a layer, a network, or a whole policy. The parameter set lists them in a
/// stable order (construction order, as PyTorch's <c>named_parameters()</c>) with dotted names such as
/// <c>actor.0.weight</c>, so checkpoints and optimizer state line up by name across runs and with Python.
/// </summary>
public interface IModule
{
    /// <summary>The module's parameters in a stable order, with the shapes they have in a checkpoint.</summary>
    ParameterSet Parameters { get; }
}
