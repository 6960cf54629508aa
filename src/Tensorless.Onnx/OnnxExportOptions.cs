namespace Tensorless.Onnx;

/// <summary>How <see cref="OnnxExporter"/> writes a policy.</summary>
public sealed record OnnxExportOptions
{
    /// <summary>Lowest opset the exporter writes: opset 7 is the oldest Unity's Inference Engine (Sentis) imports.</summary>
    public const int MinOpset = 7;

    /// <summary>Highest opset the exporter writes: opset 15 is the newest Unity's Inference Engine (Sentis) imports.</summary>
    public const int MaxOpset = 15;

    /// <summary>Element type of the weights, the observation input and the floating-point outputs. Default float32.</summary>
    public OnnxPrecision Precision { get; init; } = OnnxPrecision.Float32;

    /// <summary>
    /// The <c>ai.onnx</c> opset the graph imports, in [<see cref="MinOpset"/>, <see cref="MaxOpset"/>]. Default 15. Every
    /// op used (Constant, Sub, Div, Gemm, Tanh, Relu, Max, Min, Clip, ArgMax, Identity) exists throughout the range;
    /// opset 7 lacks broadcasting Max/Min, so there clipping uses Clip, which needs one bound for all features and a
    /// float32 graph.
    /// </summary>
    public int Opset { get; init; } = 15;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">The opset is outside [<see cref="MinOpset"/>, <see cref="MaxOpset"/>] or the precision is unknown.</exception>
    public void Validate()
    {
        if (Opset < MinOpset || Opset > MaxOpset)
        {
            throw new ArgumentException(
                $"Opset {Opset} is not supported: the exporter writes opsets {MinOpset} to {MaxOpset} (the range Unity's Inference Engine imports).",
                nameof(Opset));
        }

        if (!Enum.IsDefined(Precision))
        {
            throw new ArgumentException($"Unknown precision {Precision}.", nameof(Precision));
        }
    }
}
