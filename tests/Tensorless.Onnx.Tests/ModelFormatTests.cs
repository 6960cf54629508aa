using Microsoft.ML.OnnxRuntime;
using Tensorless.Autodiff;
using Tensorless.Envs.Spaces;
using Tensorless.Onnx.Protobuf;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;

namespace Tensorless.Onnx.Tests;

/// <summary>The wire encoding, the graph's declared interface and the exporter's refusals.</summary>
public sealed class ModelFormatTests
{
    [Fact]
    public void EncodeTensor_SmallFloatTensor_MatchesHandEncodedBytes()
    {
        var tensor = OnnxTensor.FromDoubles("w", [2], OnnxDataType.Float, [1.0, -2.0]);
        byte[] expected =
        [
            0x08, 0x02,                     // dims (1, varint) = 2
            0x10, 0x01,                     // data_type (2, varint) = FLOAT
            0x42, 0x01, (byte)'w',          // name (8, length-delimited)
            0x4A, 0x08,                     // raw_data (9, length-delimited), 8 bytes
            0x00, 0x00, 0x80, 0x3F,         // 1.0f little-endian
            0x00, 0x00, 0x00, 0xC0,         // -2.0f little-endian
        ];
        Assert.Equal(expected, OnnxWriter.EncodeTensor(tensor));
    }

    [Fact]
    public void Export_Discrete_DeclaresNamedInputOutputsAndMetadata()
    {
        var policy = new ActorCriticPolicy(new Box(-1, 1, 4), new Discrete(3), new PolicyOptions(), new Xoshiro256(1));
        byte[] model = OnnxExporter.Export(policy, null, metadata: new Dictionary<string, string> { ["tensorless.env_id"] = "Test-v0" });
        using var session = new InferenceSession(model);
        var input = Assert.Single(session.InputMetadata);
        Assert.Equal(OnnxNames.Observation, input.Key);
        Assert.Equal(typeof(float), input.Value.ElementType);
        Assert.Equal([-1, 4], input.Value.Dimensions);
        Assert.Equal("batch", input.Value.SymbolicDimensions[0]);
        Assert.Equal([OnnxNames.Action, OnnxNames.Logits], session.OutputNames);
        Assert.Equal(typeof(long), session.OutputMetadata[OnnxNames.Action].ElementType);
        Assert.Equal([-1, 1], session.OutputMetadata[OnnxNames.Action].Dimensions);
        Assert.Equal([-1, 3], session.OutputMetadata[OnnxNames.Logits].Dimensions);
        var meta = session.ModelMetadata;
        Assert.Equal(OnnxExporter.ProducerName, meta.ProducerName);
        Assert.Equal("Test-v0", meta.CustomMetadataMap["tensorless.env_id"]);
        Assert.Equal("Discrete(3)", meta.CustomMetadataMap["tensorless.action_space"]);
        Assert.Equal("false", meta.CustomMetadataMap["tensorless.normalized_observations"]);
    }

    [Fact]
    public void Export_BoxFloat64_DeclaresDoubleOutputs()
    {
        var policy = new ActorCriticPolicy(new Box(-1, 1, 3), new Box(-2, 2, 2), new PolicyOptions(), new Xoshiro256(1));
        using var session = new InferenceSession(OnnxExporter.Export(policy, null, new OnnxExportOptions { Precision = OnnxPrecision.Float64 }));
        Assert.Equal([OnnxNames.Action, OnnxNames.Mean, OnnxNames.LogStd], session.OutputNames);
        Assert.All(session.OutputMetadata.Values, m => Assert.Equal(typeof(double), m.ElementType));
        Assert.Equal([1, 2], session.OutputMetadata[OnnxNames.LogStd].Dimensions);
        Assert.Equal([-1, 2], session.OutputMetadata[OnnxNames.Action].Dimensions);
    }

    [Theory]
    [InlineData(6)]
    [InlineData(16)]
    [InlineData(0)]
    public void Export_OpsetOutsideRange_ThrowsNamingTheRange(int opset)
    {
        var policy = new ActorCriticPolicy(new Box(-1, 1, 2), new Discrete(2), new PolicyOptions(), new Xoshiro256(1));
        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(policy, null, new OnnxExportOptions { Opset = opset }));
        Assert.Contains($"Opset {opset} is not supported", e.Message);
        Assert.Contains("7 to 15", e.Message);
    }

    [Fact]
    public void Export_PerFeatureBoundsAtOpset7_ThrowsAndOpset8Clips()
    {
        // opset 7 has only Clip with one scalar bound; per-feature bounds need opset 8's broadcasting Max/Min
        var space = new Box([-0.5, -2.0], [0.5, 2.0], [2]);
        var policy = new ActorCriticPolicy(new Box(-1, 1, 3), space, new PolicyOptions { LogStdInit = -0.3 }, new Xoshiro256(4));
        foreach (var p in policy.ActorLayers.Select(l => l.Weight))
        {
            p.Data.Fill(0.9); // push the mean well past both bounds
        }

        var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(policy, null, new OnnxExportOptions { Opset = 7 }));
        Assert.Contains("opset 8 or higher", e.Message);
        var options = new OnnxExportOptions { Opset = 8, Precision = OnnxPrecision.Float64 };
        double[] obs = [1, 1, 1, -1, -1, -1];
        var outputs = OnnxRunner.Run(OnnxExporter.Export(policy, null, options), obs, 2, 3, options.Precision);
        var actor = new PolicyActor(policy, null);
        var expected = new double[4];
        actor.Act(obs, expected, deterministic: true, rng: null);
        Assert.Equal(expected, outputs[OnnxNames.Action]);
        Assert.Contains(0.5, expected);
        Assert.Contains(-2.0, expected);
        Assert.Equal([-0.3, -0.3], outputs[OnnxNames.LogStd]);
    }
}
