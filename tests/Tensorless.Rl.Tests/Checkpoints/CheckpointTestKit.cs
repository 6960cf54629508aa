using Tensorless.Autodiff.Serialization;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Tests.Checkpoints;

/// <summary>Small, fast agents and bitwise comparisons for the checkpoint tests.</summary>
internal static class CheckpointTestKit
{
    public static readonly PolicyOptions SmallPolicy = new() { HiddenSizes = [8, 8] };

    public static Ppo PpoCartPole(PpoOptions? options = null) =>
        new(Gym.MakeVector("CartPole-v1", 2, seed: 3), options ?? SmallPpo);

    public static PpoOptions SmallPpo => new() { OnPolicy = new() { NumSteps = 16, Seed = 7, Policy = SmallPolicy }, MinibatchSize = 8, NumEpochs = 2 };

    public static A2cOptions SmallA2c => new() { OnPolicy = A2cOptions.Defaults with { NumSteps = 5, Seed = 9, Policy = SmallPolicy } };

    /// <summary>A fresh empty directory under the temp folder (removed by <see cref="Dispose"/>).</summary>
    public static string TempDirectory()
    {
        string path = Path.Combine(Path.GetTempPath(), "tensorless-ckpt-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Dispose(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Asserts every parameter of the two agents is identical bit for bit (NaN payloads and signed zeros included).</summary>
    public static void AssertSameParameters(IOnPolicyAlgorithm expected, IOnPolicyAlgorithm actual)
    {
        var e = expected.Policy.Parameters;
        var a = actual.Policy.Parameters;
        Assert.Equal(e.Count, a.Count);
        for (int i = 0; i < e.Count; i++)
        {
            Assert.Equal(e[i].Name, a[i].Name);
            AssertBits(e[i].Data.ToArray(), a[i].Data.ToArray(), e[i].Name);
        }
    }

    /// <summary>Asserts two safetensors files hold the same tensors with identical bits.</summary>
    public static void AssertSameTensors(SafetensorsFile expected, SafetensorsFile actual)
    {
        Assert.Equal(expected.Tensors.Select(t => t.Name), actual.Tensors.Select(t => t.Name));
        foreach (var t in expected.Tensors)
        {
            Assert.Equal(t.Shape, actual[t.Name].Shape);
            AssertBits(t.Data, actual[t.Name].Data, t.Name);
        }
    }

    public static void AssertBits(double[] expected, double[] actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(BitConverter.DoubleToInt64Bits(expected[k]) == BitConverter.DoubleToInt64Bits(actual[k]),
                $"{what}[{k}]: expected {expected[k]:R}, got {actual[k]:R}");
        }
    }
}
