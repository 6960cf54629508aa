namespace Tensorless.Onnx;

/// <summary>The element type of an exported graph's weights, observation input and floating-point outputs.</summary>
public enum OnnxPrecision
{
    /// <summary>32-bit floats: what game engines run (Unity's Inference Engine computes in float32). The default.</summary>
    Float32,

    /// <summary>64-bit floats: the training precision, for runtimes that take <c>tensor(double)</c> and exact checks.</summary>
    Float64,
}
