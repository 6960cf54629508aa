using Tensorless.Autodiff.Nn;
using Tensorless.Autodiff.Serialization;

namespace Tensorless.Autodiff.Tests.Serialization;

public sealed class ModuleCheckpointTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-ckpt-" + Guid.NewGuid().ToString("N"));

    public ModuleCheckpointTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static double[] Flat(IModule m)
    {
        var v = new double[m.Parameters.TotalLength];
        m.Parameters.CopyValuesTo(v);
        return v;
    }

    [Fact]
    public void SaveThenLoad_RestoresEveryValue_WithPyTorchShapesInTheFile()
    {
        string path = Path.Combine(_dir, "model.safetensors");
        var saved = new Mlp("actor", [4, 8, 2], Activation.Tanh, new Xoshiro256(1), MlpInit.Orthogonal(0.01));
        ModuleCheckpoint.Save(path, saved, new Dictionary<string, string> { ["algo"] = "ppo" });

        var loaded = new Mlp("actor", [4, 8, 2], Activation.Tanh, new Xoshiro256(2));
        Assert.NotEqual(Flat(saved), Flat(loaded));
        var file = ModuleCheckpoint.Load(path, loaded);
        Assert.Equal(Flat(saved), Flat(loaded));
        Assert.Equal("ppo", file.Metadata["algo"]);
        Assert.Equal([8, 4], file["actor.0.weight"].Shape);
        Assert.Equal([8], file["actor.0.bias"].Shape);
        Assert.Equal([2, 8], file["actor.2.weight"].Shape);
    }

    [Fact]
    public void Load_WrongShape_NamesTensorAndBothShapes_AndChangesNothing()
    {
        string path = Path.Combine(_dir, "wide.safetensors");
        ModuleCheckpoint.Save(path, new Mlp("actor", [4, 16, 2], Activation.Tanh, new Xoshiro256(1)));
        var target = new Mlp("actor", [4, 8, 2], Activation.Tanh, new Xoshiro256(2));
        var before = Flat(target);
        var ex = Assert.Throws<InvalidDataException>(() => ModuleCheckpoint.Load(path, target));
        Assert.Contains("'actor.0.weight' has shape [16, 4], expected [8, 4]", ex.Message);
        Assert.Contains("'actor.0.bias' has shape [16], expected [8]", ex.Message);
        Assert.Equal(before, Flat(target));
    }

    [Fact]
    public void Load_MissingAndExtraTensors_AreReported_NonStrictIgnoresExtras()
    {
        var file = Safetensors.Deserialize(Safetensors.Serialize(
        [
            new SafetensorsTensor("l.weight", [1, 2], [3.0, 4.0]),
            new SafetensorsTensor("l.extra", [1], [0.0]),
        ]));
        var layer = new Linear("l", 2, 1, new Xoshiro256(1));
        var ex = Assert.Throws<InvalidDataException>(() => ModuleCheckpoint.LoadInto(layer.Parameters, file));
        Assert.Contains("missing tensor 'l.bias' (expected shape [1])", ex.Message);
        Assert.Contains("unexpected tensor 'l.extra'", ex.Message);

        var noBias = new Linear("l", 2, 1, new Xoshiro256(1), bias: false);
        Assert.Throws<InvalidDataException>(() => ModuleCheckpoint.LoadInto(noBias.Parameters, file));
        ModuleCheckpoint.LoadInto(noBias.Parameters, file, strict: false);
        Assert.Equal([3.0, 4.0], noBias.Weight.Data.ToArray());
    }

    [Fact]
    public void Load_Float32File_IntoModule()
    {
        // A float32 file as PyTorch users write it: bias [1] then weight [1, 1], 4 bytes each.
        const string json = "{\"l.bias\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}," +
                            "\"l.weight\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[4,8]}}";
        var bytes = new List<byte>(BitConverter.GetBytes((ulong)json.Length));
        bytes.AddRange(System.Text.Encoding.UTF8.GetBytes(json));
        bytes.AddRange(BitConverter.GetBytes(-2.0f));
        bytes.AddRange(BitConverter.GetBytes(0.25f));
        var layer = new Linear("l", 1, 1, new Xoshiro256(1));
        ModuleCheckpoint.LoadInto(layer.Parameters, Safetensors.Deserialize(bytes.ToArray()));
        Assert.Equal(0.25, layer.Weight.Data[0]);
        Assert.Equal(-2.0, layer.Bias!.Data[0]);
    }
}
