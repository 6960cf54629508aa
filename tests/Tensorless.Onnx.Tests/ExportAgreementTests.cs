using Tensorless.Autodiff.Nn;
using Tensorless.Envs;
using Xunit.Abstractions;

namespace Tensorless.Onnx.Tests;

/// <summary>
/// Every registered env, with and without observation normalisation, separate actor and shared trunk: a briefly trained
/// policy, saved and reloaded, exported at float32 and float64, agrees with <see cref="Rl.Checkpoints.TrainedPolicy"/> on
/// 1,000 observations run through OnnxRuntime.
/// </summary>
public sealed class ExportAgreementTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-onnx-" + Guid.NewGuid().ToString("N"));

    public static TheoryData<string, bool, bool> Cases()
    {
        var data = new TheoryData<string, bool, bool>();
        foreach (var spec in Gym.Specs)
        {
            foreach (bool normalize in new[] { false, true })
            {
                foreach (bool shared in new[] { false, true })
                {
                    data.Add(spec.Id, normalize, shared);
                }
            }
        }

        return data;
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Export_TrainedPolicy_MatchesTrainedPolicyInBothPrecisions(string envId, bool normalize, bool shared)
    {
        // tanh for the separate actor (SB3's default), ReLU for the shared trunk (the lecture preset)
        var activation = shared ? Activation.Relu : Activation.Tanh;
        var policy = PolicyFixtures.TrainSaveLoad(envId, normalize, PolicyFixtures.Network(shared, activation), _dir);
        Assert.Equal(normalize, policy.Normalizer is not null);
        var f32 = Agreement.Check(policy, new OnnxExportOptions(), count: 1000, seed: 17);
        var f64 = Agreement.Check(policy, new OnnxExportOptions { Precision = OnnxPrecision.Float64 }, count: 1000, seed: 17);
        output.WriteLine($"AGREEMENT {envId} normalise={normalize} shared={shared}: float32 abs {f32.Absolute:E3} scaled {f32.Scaled:E3}, float64 abs {f64.Absolute:E3} scaled {f64.Scaled:E3}");
    }

    [Theory]
    [InlineData("CartPole-v1")]
    [InlineData("Pendulum-v1")]
    public void Export_EveryOpset_MatchesTrainedPolicy(string envId)
    {
        var policy = PolicyFixtures.TrainSaveLoad(envId, normalize: true, PolicyFixtures.Network(sharedTrunk: false, Activation.Tanh), _dir);
        for (int opset = OnnxExportOptions.MinOpset; opset <= OnnxExportOptions.MaxOpset; opset++)
        {
            foreach (var precision in new[] { OnnxPrecision.Float32, OnnxPrecision.Float64 })
            {
                var options = new OnnxExportOptions { Opset = opset, Precision = precision };
                if (opset == 7 && precision == OnnxPrecision.Float64)
                {
                    // opset 7 clips only with float32 Clip-6: the normaliser's clip cannot go into a double graph
                    var e = Assert.Throws<ArgumentException>(() => OnnxExporter.Export(policy, options));
                    Assert.Contains("opset 8 or higher", e.Message);
                    continue;
                }

                var worst = Agreement.Check(policy, options, count: 200, seed: (ulong)opset);
                output.WriteLine($"AGREEMENT {envId} opset {opset} {precision}: abs {worst.Absolute:E3} scaled {worst.Scaled:E3}");
            }
        }
    }

    [Theory]
    [InlineData("Acrobot-v1")]
    [InlineData("MountainCarContinuous-v0")]
    public void Export_LinearActorAndIdentityActivation_MatchesTrainedPolicy(string envId)
    {
        // The seed presets' linear policy (no hidden layer: the graph is one Gemm), then identity between layers.
        var linear = PolicyFixtures.TrainSaveLoad(envId, normalize: true, new() { ActorHiddenSizes = [], CriticHiddenSizes = [64] }, _dir);
        Assert.Single(linear.Network.ActorLayers);
        var identity = PolicyFixtures.TrainSaveLoad(envId, normalize: false, PolicyFixtures.Network(sharedTrunk: true, Activation.Identity), _dir);
        foreach (var policy in new[] { linear, identity })
        {
            var f32 = Agreement.Check(policy, new OnnxExportOptions(), count: 1000, seed: 3);
            var f64 = Agreement.Check(policy, new OnnxExportOptions { Precision = OnnxPrecision.Float64 }, count: 1000, seed: 3);
            output.WriteLine($"AGREEMENT {envId} layers={policy.Network.ActorLayers.Count}: float32 abs {f32.Absolute:E3} scaled {f32.Scaled:E3}, float64 abs {f64.Absolute:E3} scaled {f64.Scaled:E3}");
        }
    }
}
