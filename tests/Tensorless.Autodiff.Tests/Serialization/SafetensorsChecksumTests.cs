using System.Buffers.Binary;
using Tensorless.Autodiff.Serialization;

namespace Tensorless.Autodiff.Tests.Serialization;

public class SafetensorsChecksumTests
{
    private static readonly SafetensorsTensor[] Tensors =
        [new SafetensorsTensor("net.0.weight", [2, 3], [1, 2, 3, 4, 5, 6]), new SafetensorsTensor("net.0.bias", [2], [0.5, -0.5])];

    /// <summary>Offset in the file of the first data byte of <paramref name="name"/>.</summary>
    private static int DataOffset(byte[] bytes, string name)
    {
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        // Sorted by name: net.0.bias (2 values) comes before net.0.weight.
        return 8 + headerLength + (name == "net.0.bias" ? 0 : 16);
    }

    [Fact]
    public void Checksummed_RoundTrip_LoadsAndKeepsOtherMetadata()
    {
        var metadata = SafetensorsChecksums.With(Tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var file = Safetensors.Deserialize(Safetensors.Serialize(Tensors, metadata));
        Assert.Equal("pt", file.Metadata["format"]);
        Assert.Equal(64, file.Metadata["sha256:net.0.weight"].Length);
        Assert.Equal([1.0, 2, 3, 4, 5, 6], file["net.0.weight"].Data);
    }

    [Theory]
    [InlineData("net.0.weight")]
    [InlineData("net.0.bias")]
    public void Checksummed_FlippedDataBit_NamesTheTensor(string name)
    {
        byte[] bytes = Safetensors.Serialize(Tensors, SafetensorsChecksums.With(Tensors));
        bytes[DataOffset(bytes, name) + 3] ^= 0x10;
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(bytes));
        Assert.Contains($"tensor '{name}' fails its checksum", e.Message);
    }

    [Fact]
    public void WithoutChecksums_FlippedDataBit_StillLoads()
    {
        // Files written by Python (or before checksums) have none; they load as before.
        byte[] bytes = Safetensors.Serialize(Tensors);
        bytes[DataOffset(bytes, "net.0.bias") + 7] ^= 0x01;
        Assert.NotEqual(0.5, Safetensors.Deserialize(bytes)["net.0.bias"].Data[0]);
    }

    [Fact]
    public void ChecksumForAMissingTensor_IsRejected()
    {
        var metadata = SafetensorsChecksums.With(Tensors);
        metadata["sha256:net.9.weight"] = new string('0', 64);
        var e = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(Safetensors.Serialize(Tensors, metadata)));
        Assert.Contains("'net.9.weight', which the file does not have", e.Message);
    }

    [Fact]
    public void With_ReservedPrefixInUserMetadata_IsRejected() =>
        Assert.Throws<ArgumentException>(() => SafetensorsChecksums.With(Tensors, new Dictionary<string, string> { ["sha256:x"] = "y" }));

    [Fact]
    public void ReadMetadata_ReadsTheHeaderOnly()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tensorless-meta-{Guid.NewGuid():N}.safetensors");
        try
        {
            Safetensors.Save(path, Tensors, new Dictionary<string, string> { ["checkpoint_id"] = "abc" });
            Assert.Equal("abc", Safetensors.ReadMetadata(path)["checkpoint_id"]);
        }
        finally
        {
            File.Delete(path);
        }
    }
}
