using Tensorless.Autodiff.Nn;
using Tensorless.Envs.Spaces;
using Tensorless.Onnx.Protobuf;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Policies;

namespace Tensorless.Onnx;

/// <summary>
/// Lays out a policy's acting path as ONNX nodes, op for op as <see cref="PolicyActor"/> runs it: normalise
/// (<c>clip((obs - mean) / sqrt(var + epsilon), -clip, clip)</c>), the linear layers with the activation between them
/// (<c>x W^T + b</c> as Gemm with <c>transB = 1</c>, the weights kept in PyTorch's [out, in] layout), then argmax of the
/// logits or the mean clipped to the Box. Weights are Constant nodes rather than initializers, so the same graph is
/// valid at IR version 3 (opsets 7-8), where an initializer would also have to be listed as a graph input.
/// </summary>
internal sealed class PolicyGraphBuilder
{
    private readonly List<OnnxNode> _nodes = [];
    private readonly OnnxDataType _type;
    private readonly int _opset;

    private PolicyGraphBuilder(OnnxExportOptions options)
    {
        _type = options.Precision == OnnxPrecision.Float64 ? OnnxDataType.Double : OnnxDataType.Float;
        _opset = options.Opset;
    }

    public static OnnxGraph Build(ActorCriticPolicy network, ObservationNormalizer? normalizer, OnnxExportOptions options)
    {
        var builder = new PolicyGraphBuilder(options);
        return builder.BuildGraph(network, normalizer);
    }

    private OnnxGraph BuildGraph(ActorCriticPolicy network, ObservationNormalizer? normalizer)
    {
        int observationSize = network.ObservationSize;
        string x = OnnxNames.Observation;
        if (normalizer is not null)
        {
            x = Normalize(x, normalizer);
        }

        var layers = network.ActorLayers;
        string head = network.IsDiscrete ? OnnxNames.Logits : OnnxNames.Mean;
        for (int i = 0; i < layers.Count; i++)
        {
            bool last = i == layers.Count - 1;
            x = Linear(x, layers[i], last ? head : $"{layers[i].Name}.output");
            if (!last)
            {
                x = Activate(x, layers[i].Name, network.Options.Activation);
            }
        }

        var outputs = new List<OnnxValueInfo>();
        if (network.IsDiscrete)
        {
            Op("ArgMax", OnnxNames.Action, [head], OnnxAttribute.Of("axis", 1L), OnnxAttribute.Of("keepdims", 1L));
            outputs.Add(new OnnxValueInfo(OnnxNames.Action, OnnxDataType.Int64, ["batch", 1L],
                "Deterministic action: the index of the largest logit (lowest index on ties), int64."));
            outputs.Add(new OnnxValueInfo(OnnxNames.Logits, _type, ["batch", network.HeadSize],
                "Unnormalised categorical logits; softmax gives the action probabilities."));
        }
        else
        {
            var box = (Box)network.ActionSpace;
            Clamp(head, OnnxNames.Action, box.Low, box.High, "the action space's bounds");
            Constant(OnnxNames.LogStd, [1, network.ActionSize], network.LogStd!.Data);
            outputs.Add(new OnnxValueInfo(OnnxNames.Action, _type, ["batch", network.ActionSize],
                "Deterministic action: the Gaussian mean clipped to the action space's bounds."));
            outputs.Add(new OnnxValueInfo(OnnxNames.Mean, _type, ["batch", network.ActionSize],
                "Gaussian mean before clipping."));
            outputs.Add(new OnnxValueInfo(OnnxNames.LogStd, _type, [1L, network.ActionSize],
                "State-independent Gaussian log standard deviation; sample mean + exp(log_std) * N(0, 1), then clip."));
        }

        var input = new OnnxValueInfo(OnnxNames.Observation, _type, ["batch", observationSize],
            normalizer is null
                ? "Raw env observations, one row each."
                : "Raw env observations, one row each; the graph normalises them with the run's saved statistics.");
        return new OnnxGraph("tensorless_policy",
            "Tensorless actor: observation -> (normaliser) -> MLP -> action distribution and deterministic action.",
            _nodes, [input], outputs);
    }

    // SB3 VecNormalize: clip((obs - mean) / sqrt(var + epsilon), -clip, clip), the denominator computed here in double
    // exactly as ObservationNormalizer does, so a float64 graph divides by the same number.
    private string Normalize(string x, ObservationNormalizer normalizer)
    {
        int d = normalizer.ObservationSize;
        var mean = normalizer.Statistics.Mean;
        var variance = normalizer.Statistics.Variance;
        var std = new double[d];
        for (int j = 0; j < d; j++)
        {
            std[j] = Math.Sqrt(variance[j] + normalizer.Epsilon);
        }

        Constant("normalizer.mean", [d], mean);
        Constant("normalizer.std", [d], std);
        Op("Sub", "normalizer.centered", [x, "normalizer.mean"]);
        Op("Div", "normalizer.scaled", ["normalizer.centered", "normalizer.std"]);
        var low = new double[d];
        var high = new double[d];
        Array.Fill(low, -normalizer.Clip);
        Array.Fill(high, normalizer.Clip);
        return Clamp("normalizer.scaled", "normalizer.output", low, high, "the observation normaliser's clip");
    }

    private string Linear(string x, Linear layer, string output)
    {
        string weight = Constant($"{layer.Name}.weight", [layer.OutFeatures, layer.InFeatures], layer.Weight.Data);
        // Gemm before opset 11 requires C; a layer without bias gets zeros.
        string bias = Constant($"{layer.Name}.bias", [layer.OutFeatures],
            layer.Bias is { } b ? b.Data : new double[layer.OutFeatures]);
        Op("Gemm", output, [x, weight, bias], OnnxAttribute.Of("transB", 1L));
        return output;
    }

    private string Activate(string x, string layerName, Activation activation) => activation switch
    {
        Activation.Tanh => Op("Tanh", $"{layerName}.tanh", [x]),
        Activation.Relu => Op("Relu", $"{layerName}.relu", [x]),
        Activation.Identity => x,
        _ => throw new ArgumentException($"The exporter does not know activation {activation}."),
    };

    // clamp(x, low[j], high[j]) per feature, as Math.Clamp: Max then Min with broadcast bounds from opset 8; opset 7's
    // Max/Min do not broadcast, so there it is Clip, whose float attributes hold one bound for every feature (float32
    // graphs only: a double graph would compare against rounded bounds, and OnnxRuntime has no double Clip-6).
    private string Clamp(string x, string output, double[] low, double[] high, string what)
    {
        bool anyLow = low.Any(double.IsFinite);
        bool anyHigh = high.Any(double.IsFinite);
        if (!anyLow && !anyHigh)
        {
            return Op("Identity", output, [x]);
        }

        if (_opset >= 8)
        {
            string current = x;
            if (anyLow)
            {
                Constant($"{output}.low", [low.Length], low);
                current = Op("Max", anyHigh ? $"{output}.at_least_low" : output, [current, $"{output}.low"]);
            }

            if (anyHigh)
            {
                Constant($"{output}.high", [high.Length], high);
                current = Op("Min", output, [current, $"{output}.high"]);
            }

            return current;
        }

        if (low.Distinct().Count() != 1 || high.Distinct().Count() != 1)
        {
            throw new ArgumentException(
                $"Opset {_opset} cannot clip to {what}: they differ between features and opset 7 has no broadcasting Max/Min; export with opset 8 or higher.",
                nameof(OnnxExportOptions.Opset));
        }

        if (_type == OnnxDataType.Double)
        {
            throw new ArgumentException(
                $"Opset {_opset} can clip to {what} only with Clip-6, whose bounds are float32 attributes and which OnnxRuntime implements for float32 alone; export float64 with opset 8 or higher.",
                nameof(OnnxExportOptions.Opset));
        }

        float min = (float)low[0], max = (float)high[0];
        return Op("Clip", output, [x], OnnxAttribute.Of("min", min), OnnxAttribute.Of("max", max));
    }

    private string Constant(string name, long[] dims, ReadOnlySpan<double> values)
    {
        Op("Constant", name, [], OnnxAttribute.Of("value", OnnxTensor.FromDoubles(name, dims, _type, values)));
        return name;
    }

    private string Op(string opType, string output, string[] inputs, params OnnxAttribute[] attributes)
    {
        _nodes.Add(new OnnxNode(output, opType, inputs, [output], attributes));
        return output;
    }
}
