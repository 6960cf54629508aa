using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Tensorless.Onnx.Tests;

/// <summary>Runs an exported model in OnnxRuntime, the independent oracle, and returns every output as doubles.</summary>
internal static class OnnxRunner
{
    public static Dictionary<string, double[]> Run(byte[] model, double[] observations, int count, int size, OnnxPrecision precision)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        long[] shape = [count, size];
        using var input = precision == OnnxPrecision.Float32
            ? OrtValue.CreateTensorValueFromMemory(observations.Select(v => (float)v).ToArray(), shape)
            : OrtValue.CreateTensorValueFromMemory(observations.ToArray(), shape);
        using var runOptions = new RunOptions();
        var names = session.OutputNames;
        using var outputs = session.Run(runOptions, [OnnxNames.Observation], [input], names);
        var result = new Dictionary<string, double[]>();
        for (int i = 0; i < names.Count; i++)
        {
            var value = outputs[i];
            result[names[i]] = value.GetTensorTypeAndShape().ElementDataType switch
            {
                TensorElementType.Float => value.GetTensorDataAsSpan<float>().ToArray().Select(v => (double)v).ToArray(),
                TensorElementType.Double => value.GetTensorDataAsSpan<double>().ToArray(),
                TensorElementType.Int64 => value.GetTensorDataAsSpan<long>().ToArray().Select(v => (double)v).ToArray(),
                var other => throw new InvalidOperationException($"Unexpected output type {other} for '{names[i]}'."),
            };
        }

        return result;
    }
}
