using System.CommandLine;
using System.Globalization;
using Tensorless.Onnx;

namespace Tensorless.Cli.Commands;

/// <summary>
/// <c>tensorless export --run DIR --out policy.onnx</c>: writes a saved policy as an ONNX model for game engines
/// (Unity's Inference Engine) and other runtimes; README.md's "Export to ONNX" describes the graph.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run directory written by 'tensorless train' (model.safetensors + config.json).", Required = true };
        var output = new Option<string>("--out") { Description = "Path of the .onnx file to write.", Required = true };
        var float32 = new Option<bool>("--float32") { Description = "Write float32 weights, input and outputs (the default; what game engines run)." };
        var float64 = new Option<bool>("--float64") { Description = "Write float64 weights, input and outputs." };
        var opset = new Option<int>("--opset")
        {
            Description = $"ONNX opset, {OnnxExportOptions.MinOpset} to {OnnxExportOptions.MaxOpset} (the range Unity's Inference Engine imports).",
            DefaultValueFactory = _ => new OnnxExportOptions().Opset,
        };
        var command = new Command("export", "Export a saved policy as an ONNX model (observation in; action distribution and deterministic action out).")
        {
            run, output, float32, float64, opset,
        };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(float32) && parse.GetValue(float64))
            {
                throw new ArgumentException("--float32 and --float64 exclude each other.");
            }

            var options = new OnnxExportOptions
            {
                Precision = parse.GetValue(float64) ? OnnxPrecision.Float64 : OnnxPrecision.Float32,
                Opset = parse.GetValue(opset),
            };
            string path = parse.GetRequiredValue(output);
            var policy = OnnxExporter.ExportRun(parse.GetRequiredValue(run), path, options);
            var network = policy.Network;
            string type = options.Precision == OnnxPrecision.Float64 ? "float64" : "float32";
            string outputs = network.IsDiscrete
                ? $"{OnnxNames.Action} int64 [batch, 1], {OnnxNames.Logits} {type} [batch, {network.HeadSize}]"
                : $"{OnnxNames.Action} {type} [batch, {network.ActionSize}], {OnnxNames.Mean} {type} [batch, {network.ActionSize}], {OnnxNames.LogStd} {type} [1, {network.ActionSize}]";
            var c = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(c, $"Wrote {path} ({new FileInfo(path).Length:N0} bytes): {policy.Algorithm.ToUpperInvariant()} on {policy.EnvId}, opset {options.Opset}, {type}."));
            stdout.WriteLine(string.Create(c, $"  input   {OnnxNames.Observation} {type} [batch, {network.ObservationSize}]{(policy.Normalizer is null ? "" : " (raw; the normaliser is in the graph)")}"));
            stdout.WriteLine($"  outputs {outputs}");
            return 0;
        });
        return command;
    }
}
