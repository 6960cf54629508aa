using Tensorless.Cli;
using Tensorless.Onnx;
using Tensorless.Rl.Checkpoints;

namespace Tensorless.Cli.Tests;

public sealed class ExportCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-cli-export-" + Guid.NewGuid().ToString("N"));

    private string Run => Path.Combine(_dir, "run");

    private string Model => Path.Combine(_dir, "policy.onnx");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Export_TrainedRun_WritesTheLibraryCallsModelAndDescribesIt()
    {
        Train();
        var (code, output, error) = CliRunner.Run("export", "--run", Run, "--out", Model);
        Assert.True(code == 0, error);
        Assert.Contains("PPO on CartPole-v1, opset 15, float32", output);
        Assert.Contains("input   observation float32 [batch, 4]", output);
        Assert.Contains("outputs action int64 [batch, 1], logits float32 [batch, 2]", output);
        // the command writes exactly what the library call returns (OnnxRuntime checks that model in Tensorless.Onnx.Tests)
        Assert.Equal(OnnxExporter.Export(TrainedPolicy.Load(Run)), File.ReadAllBytes(Model));
    }

    [Fact]
    public void Export_Float64Opset11_WritesThatModel()
    {
        Train();
        var (code, output, error) = CliRunner.Run("export", "--run", Run, "--out", Model, "--float64", "--opset", "11");
        Assert.True(code == 0, error);
        Assert.Contains("opset 11, float64", output);
        var options = new OnnxExportOptions { Precision = OnnxPrecision.Float64, Opset = 11 };
        Assert.Equal(OnnxExporter.Export(TrainedPolicy.Load(Run), options), File.ReadAllBytes(Model));
    }

    [Theory]
    [InlineData("--opset 16", "Opset 16 is not supported")]
    [InlineData("--opset 6", "opsets 7 to 15")]
    [InlineData("--float32 --float64", "--float32 and --float64 exclude each other")]
    public void Export_BadOption_FailsWithCode2AndNamesIt(string args, string expected)
    {
        Train();
        var (code, _, error) = CliRunner.Run(["export", "--run", Run, "--out", Model, .. args.Split(' ')]);
        Assert.Equal(2, code);
        Assert.StartsWith("error: ", error);
        Assert.Contains(expected, error);
        Assert.DoesNotContain("(Parameter", error);
        Assert.False(File.Exists(Model));
    }

    [Fact]
    public void Export_MissingRun_NamesTheDirectory()
    {
        var (code, _, error) = CliRunner.Run("export", "--run", Run, "--out", Model);
        Assert.Equal(2, code);
        Assert.Contains(Run, error);
        Assert.False(File.Exists(Model));
    }

    [Fact]
    public void Export_CorruptCheckpoint_NamesTheFile()
    {
        Train();
        File.WriteAllText(Path.Combine(Run, "model.safetensors"), "not a safetensors file");
        var (code, _, error) = CliRunner.Run("export", "--run", Run, "--out", Model);
        Assert.Equal(2, code);
        Assert.Contains("model.safetensors", error);
        Assert.False(File.Exists(Model));
    }

    private void Train()
    {
        var (code, _, error) = CliRunner.Run("train", "--total-steps", "256", "--eval-episodes", "0", "--out", Run, "--plain");
        Assert.True(code == 0, error);
    }
}
