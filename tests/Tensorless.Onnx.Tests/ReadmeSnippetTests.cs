using Microsoft.ML.OnnxRuntime;
using Tensorless.Autodiff;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;

namespace Tensorless.Onnx.Tests;

/// <summary>README.md's "Export to ONNX" C# snippet, kept compiling and working.</summary>
public sealed class ReadmeSnippetTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-onnx-readme-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void ReadmeSnippet_LoadAndRun_GivesThePolicysAction()
    {
        var network = new ActorCriticPolicy(new Box(-5, 5, 4), new Discrete(2), new PolicyOptions(), new Xoshiro256(9));
        Directory.CreateDirectory(_dir);
        string path = Path.Combine(_dir, "policy.onnx");
        File.WriteAllBytes(path, OnnxExporter.Export(network, null));

        // --- as in README.md ("policy.onnx" there) ---
        using var session = new InferenceSession(path);
        float[] observation = [0.01f, -0.02f, 0.03f, 0.04f];                      // one raw CartPole observation
        using var input = OrtValue.CreateTensorValueFromMemory(observation, [1, observation.Length]);
        using var run = new RunOptions();
        using var outputs = session.Run(run, ["observation"], [input], ["action", "logits"]);
        long action = outputs[0].GetTensorDataAsSpan<long>()[0];                 // a Box policy's action is float[]
        // --- end ---

        var expected = new double[1];
        new PolicyActor(network, null).Act(observation.Select(v => (double)v).ToArray(), expected, deterministic: true, rng: null);
        Assert.Equal((long)expected[0], action);
    }
}
