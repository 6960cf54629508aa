using System.Buffers.Binary;
using System.Text;
using FsCheck.Fluent;
using Tensorless.Autodiff.Serialization;
using Tensorless.Tests;

namespace Tensorless.Autodiff.Tests.Serialization;

public class SafetensorsFormatTests
{
    [Fact]
    public void Serialize_TinyFile_MatchesGoldenLayout()
    {
        // Written out of order on purpose: the format sorts by name, as the reference writer does.
        var bytes = Safetensors.Serialize(
            [new SafetensorsTensor("b", [2], [1.0, -0.0]), new SafetensorsTensor("a", [1, 1], [0.5])],
            new Dictionary<string, string> { ["format"] = "pt" });

        const string json = "{\"__metadata__\":{\"format\":\"pt\"},\"a\":{\"dtype\":\"F64\",\"shape\":[1,1],\"data_offsets\":[0,8]}," +
                            "\"b\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}";
        // 141 bytes of JSON + 3 spaces = 144, a multiple of 8, so the data starts 8-byte aligned at 152.
        Assert.Equal(141, json.Length);
        byte[] expected =
        [
            144, 0, 0, 0, 0, 0, 0, 0,
            .. Encoding.UTF8.GetBytes(json + "   "),
            0, 0, 0, 0, 0, 0, 0xE0, 0x3F,       // 0.5 = 0x3FE0000000000000, little-endian
            0, 0, 0, 0, 0, 0, 0xF0, 0x3F,       // 1.0 = 0x3FF0000000000000
            0, 0, 0, 0, 0, 0, 0, 0x80,          // -0.0 = 0x8000000000000000
        ];
        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Serialize_WithoutMetadata_OmitsTheKey_AndEmptyFileIsValid()
    {
        var bytes = Safetensors.Serialize([]);
        Assert.Equal(8, (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes)); // "{}" padded to 8
        Assert.Equal("{}      ", Encoding.UTF8.GetString(bytes, 8, 8));
        var file = Safetensors.Deserialize(bytes);
        Assert.Empty(file.Tensors);
        Assert.Empty(file.Metadata);
    }

    [Fact]
    public void RoundTrip_SpecialValues_BitForBit()
    {
        double[] values =
        [
            -0.0, 0.0, double.Epsilon, -double.Epsilon, double.MaxValue, double.MinValue, double.PositiveInfinity,
            double.NegativeInfinity, double.NaN, BitConverter.Int64BitsToDouble(0x7FF0000000000001), // signalling NaN
            BitConverter.Int64BitsToDouble(0x7FF8DEADBEEF1234), BitConverter.Int64BitsToDouble(unchecked((long)0xFFF0000000C0FFEE)),
            1.0 / 3.0, Math.PI,
        ];
        var file = Safetensors.Deserialize(Safetensors.Serialize([new SafetensorsTensor("v", [2, 7], values)]));
        var back = file["v"];
        Assert.Equal([2, 7], back.Shape);
        Assert.Equal(SafetensorsDType.F64, back.DType);
        Assert.Equal(values.Select(BitConverter.DoubleToInt64Bits), back.Data.Select(BitConverter.DoubleToInt64Bits));
    }

    [Fact]
    public void RoundTrip_Metadata_WithQuotesUnicodeAndHtmlCharacters()
    {
        var metadata = new Dictionary<string, string>
        {
            ["config"] = "{\"gamma\": 0.99, \"env\": \"CartPole-v1\"}",
            ["note"] = "<a & b> + 'é' ✓ \\ \n tab\t",
            ["empty"] = "",
        };
        var file = Safetensors.Deserialize(Safetensors.Serialize([new SafetensorsTensor("x", [1], [1.0])], metadata));
        Assert.Equal(metadata.OrderBy(kv => kv.Key), file.Metadata.OrderBy(kv => kv.Key));
    }

    [Fact]
    public void RoundTrip_RandomTensors_Property()
    {
        // Random tensor counts, shapes (rank 0 to 3, zero-sized dimensions included) and bit patterns drawn from a seed;
        // The failure message shows the (count, seed) to replay.
        var gen = from count in Gen.Choose(0, 5) from seed in Gen.Choose(0, int.MaxValue) select (Count: count, Seed: seed);
        SeededProperty.ForAll(gen, input =>
        {
            var rng = new Xoshiro256((ulong)input.Seed);
            var tensors = new List<SafetensorsTensor>();
            for (int i = 0; i < input.Count; i++)
            {
                var shape = new int[rng.NextInt(4)];
                for (int d = 0; d < shape.Length; d++)
                {
                    shape[d] = rng.NextInt(5);
                }

                var data = new double[shape.Aggregate(1, (a, d) => a * d)];
                for (int k = 0; k < data.Length; k++)
                {
                    data[k] = BitConverter.Int64BitsToDouble((long)rng.NextUInt64());
                }

                tensors.Add(new SafetensorsTensor($"t{i}.w", shape, data));
            }

            var file = Safetensors.Deserialize(Safetensors.Serialize(tensors));
            Assert.Equal(tensors.Count, file.Tensors.Count);
            foreach (var t in tensors)
            {
                var back = file[t.Name];
                Assert.Equal(t.Shape, back.Shape);
                Assert.Equal(t.Data.Select(BitConverter.DoubleToInt64Bits), back.Data.Select(BitConverter.DoubleToInt64Bits));
            }
        }, cases: 200);
    }

    [Fact]
    public void Deserialize_Float32File_WidensExactly()
    {
        // What safetensors.torch.save_file({"w": torch.tensor([1.5, -0.1])}) writes: F32 data, header padded to 56.
        const string json = "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}  ";
        float minusPointOne = -0.1f;
        var bytes = new List<byte> { 56, 0, 0, 0, 0, 0, 0, 0 };
        bytes.AddRange(Encoding.UTF8.GetBytes(json));
        bytes.AddRange([0, 0, 0xC0, 0x3F]); // 1.5f
        bytes.AddRange(BitConverter.GetBytes(minusPointOne));
        var w = Safetensors.Deserialize(bytes.ToArray())["w"];
        Assert.Equal(SafetensorsDType.F32, w.DType);
        Assert.Equal([2], w.Shape);
        Assert.Equal(1.5, w.Data[0]);
        Assert.Equal((double)minusPointOne, w.Data[1]);
    }

    [Fact]
    public void Save_IsAtomic_OverwritesAndLeavesNoTemporaryFiles()
    {
        string dir = Path.Combine(Path.GetTempPath(), "tensorless-st-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            string path = Path.Combine(dir, "model.safetensors");
            Safetensors.Save(path, [new SafetensorsTensor("x", [1], [1.0])]);
            Safetensors.Save(path, [new SafetensorsTensor("x", [2], [2.0, 3.0])], new Dictionary<string, string> { ["k"] = "v" });
            var file = Safetensors.Load(path);
            Assert.Equal([2.0, 3.0], file["x"].Data);
            Assert.Equal("v", file.Metadata["k"]);
            Assert.Equal(["model.safetensors"], Directory.GetFiles(dir).Select(Path.GetFileName));

            // A failed write (duplicate names) must leave the old file intact and no temporary behind.
            Assert.Throws<ArgumentException>(() => Safetensors.Save(path, [new SafetensorsTensor("y", [1], [0.0]), new SafetensorsTensor("y", [1], [1.0])]));
            Assert.Equal([2.0, 3.0], Safetensors.Load(path)["x"].Data);
            Assert.Single(Directory.GetFiles(dir));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Tensor_InvalidConstruction_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SafetensorsTensor("x", [2, 2], [1.0]));
        Assert.Throws<ArgumentException>(() => new SafetensorsTensor("x", [-1], []));
        Assert.Throws<ArgumentException>(() => new SafetensorsTensor("", [1], [1.0]));
        Assert.Throws<ArgumentException>(() => new SafetensorsTensor("__metadata__", [1], [1.0]));
    }
}
