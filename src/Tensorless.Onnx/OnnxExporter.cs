using System.Globalization;
using Tensorless.Onnx.Protobuf;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Policies;

namespace Tensorless.Onnx;

/// <summary>
/// Exports a trained policy's actor as an ONNX model for game engines and other runtimes (Unity's Inference Engine,
/// OnnxRuntime): one input, <see cref="OnnxNames.Observation"/>, taking raw observations (the saved observation
/// normaliser, clip included, is baked in), and outputs for the action distribution and the deterministic action
/// (<see cref="OnnxNames"/> lists them). The critic is not exported: acting needs only the actor.
/// </summary>
public static class OnnxExporter
{
    /// <summary>The <c>producer_name</c> written into every model.</summary>
    public const string ProducerName = "tensorless";

    /// <summary>Loads the run saved in <paramref name="runDirectory"/> and writes its policy to <paramref name="path"/>.</summary>
    /// <returns>The loaded policy (its env id, algorithm and spaces describe what was written).</returns>
    /// <exception cref="FileNotFoundException">A checkpoint file is missing.</exception>
    /// <exception cref="DirectoryNotFoundException">The run directory does not exist.</exception>
    /// <exception cref="InvalidDataException">A checkpoint file is corrupt.</exception>
    /// <exception cref="ArgumentException">The options are invalid, or the policy cannot be written at the chosen opset.</exception>
    public static TrainedPolicy ExportRun(string runDirectory, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(runDirectory);
        ArgumentNullException.ThrowIfNull(path);
        (options ?? new OnnxExportOptions()).Validate();
        if (!Directory.Exists(runDirectory))
        {
            throw new DirectoryNotFoundException($"Run directory '{runDirectory}' does not exist.");
        }

        var policy = TrainedPolicy.Load(runDirectory);
        ExportToFile(policy, path, options);
        return policy;
    }

    /// <summary>Writes <paramref name="policy"/> to <paramref name="path"/> (through a temporary file, so a reader never sees half a model).</summary>
    /// <exception cref="ArgumentException">The options are invalid, or the policy cannot be written at the chosen opset.</exception>
    public static void ExportToFile(TrainedPolicy policy, string path, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] model = Export(policy, options);
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string temporary = full + ".tmp";
        File.WriteAllBytes(temporary, model);
        File.Move(temporary, full, overwrite: true);
    }

    /// <summary>The serialized ONNX model of <paramref name="policy"/>, with its env id and algorithm in the model's metadata.</summary>
    /// <exception cref="ArgumentException">The options are invalid, or the policy cannot be written at the chosen opset.</exception>
    public static byte[] Export(TrainedPolicy policy, OnnxExportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Export(policy.Network, policy.Normalizer, options, new Dictionary<string, string>
        {
            ["tensorless.env_id"] = policy.EnvId,
            ["tensorless.algorithm"] = policy.Algorithm,
        });
    }

    /// <summary>
    /// The serialized ONNX model of a live network and optional observation normaliser (read, never updated), for
    /// exporting an agent without saving it first.
    /// </summary>
    /// <param name="network">The actor-critic; only its actor path is exported.</param>
    /// <param name="normalizer">The observation normaliser whose current statistics are baked in, or null for none.</param>
    /// <param name="options">Precision and opset; the defaults (float32, opset 15) when null.</param>
    /// <param name="metadata">Extra <c>metadata_props</c> entries for the model.</param>
    /// <exception cref="ArgumentException">The options are invalid, the normaliser's size differs from the network's, or the policy cannot be written at the chosen opset.</exception>
    public static byte[] Export(ActorCriticPolicy network, ObservationNormalizer? normalizer, OnnxExportOptions? options = null,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(network);
        options ??= new OnnxExportOptions();
        options.Validate();
        if (normalizer is not null && normalizer.ObservationSize != network.ObservationSize)
        {
            throw new ArgumentException($"The normaliser has {normalizer.ObservationSize} features, the policy {network.ObservationSize}.", nameof(normalizer));
        }

        var graph = PolicyGraphBuilder.Build(network, normalizer, options);
        var c = CultureInfo.InvariantCulture;
        var properties = new List<KeyValuePair<string, string>>(metadata ?? new Dictionary<string, string>())
        {
            new("tensorless.observation_space", network.ObservationSpace.ToString()),
            new("tensorless.action_space", network.ActionSpace.ToString()),
            new("tensorless.normalized_observations", normalizer is null ? "false" : "true"),
            new("tensorless.precision", options.Precision == OnnxPrecision.Float64 ? "float64" : "float32"),
            new("tensorless.outputs", network.IsDiscrete
                ? $"{OnnxNames.Action} (int64 argmax), {OnnxNames.Logits}"
                : $"{OnnxNames.Action} (clipped mean), {OnnxNames.Mean}, {OnnxNames.LogStd}"),
        };
        var model = new OnnxModel(IrVersion(options.Opset), options.Opset, ProducerName,
            typeof(OnnxExporter).Assembly.GetName().Version?.ToString() ?? "0",
            string.Create(c, $"Tensorless {(network.IsDiscrete ? "categorical" : "Gaussian")} policy, {network.ObservationSize} observation features."),
            graph, properties);
        return OnnxWriter.Encode(model);
    }

    /// <summary>
    /// The IR version released with <paramref name="opset"/> (onnx's docs/Versioning.md): runtimes that read an opset
    /// also read its IR version, and a newer IR would shut out older importers for nothing.
    /// </summary>
    internal static long IrVersion(int opset) => opset switch
    {
        <= 8 => 3,
        9 => 4,
        10 => 5,
        11 => 6,
        <= 14 => 7,
        _ => 8,
    };
}
