namespace Tensorless.Onnx;

/// <summary>The names of an exported policy graph's input and outputs (see README.md, "Export to ONNX").</summary>
public static class OnnxNames
{
    /// <summary>
    /// Input <c>observation</c>: raw env observations, <c>[batch, observation_size]</c>, float32 or float64. The saved
    /// observation normaliser, clip included, is inside the graph, so feed exactly what the env returns.
    /// </summary>
    public const string Observation = "observation";

    /// <summary>
    /// Output <c>action</c>, the deterministic action: for a Discrete space the argmax of the logits as int64
    /// <c>[batch, 1]</c> (the lowest index on ties); for a Box space the Gaussian mean clipped to the space's bounds,
    /// <c>[batch, action_size]</c>, float32 or float64.
    /// </summary>
    public const string Action = "action";

    /// <summary>Output <c>logits</c> (Discrete spaces only): unnormalised categorical logits, <c>[batch, n]</c>.</summary>
    public const string Logits = "logits";

    /// <summary>Output <c>mean</c> (Box spaces only): the Gaussian mean before clipping, <c>[batch, action_size]</c>.</summary>
    public const string Mean = "mean";

    /// <summary>
    /// Output <c>log_std</c> (Box spaces only): the state-independent Gaussian log standard deviation,
    /// <c>[1, action_size]</c>; a stochastic action is <c>mean + exp(log_std) * N(0, 1)</c>, clipped to the bounds.
    /// </summary>
    public const string LogStd = "log_std";
}
