using System.Buffers.Binary;
using System.Text;
using Tensorless.Autodiff.Serialization;

namespace Tensorless.Autodiff.Tests.Serialization;

public class SafetensorsCorruptTests
{
    private static byte[] Valid() => Safetensors.Serialize(
        [new SafetensorsTensor("net.0.weight", [2, 3], [1, 2, 3, 4, 5, 6]), new SafetensorsTensor("net.0.bias", [2], [0.5, -0.5])],
        new Dictionary<string, string> { ["format"] = "pt" });

    /// <summary>A file whose header is exactly <paramref name="json"/> followed by <paramref name="dataLength"/> zero bytes.</summary>
    private static byte[] File(string json, int dataLength, ulong? headerLength = null)
    {
        byte[] header = Encoding.UTF8.GetBytes(json);
        var bytes = new byte[8 + header.Length + dataLength];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, headerLength ?? (ulong)header.Length);
        header.CopyTo(bytes, 8);
        return bytes;
    }

    private static string Rejects(byte[] bytes)
    {
        var ex = Assert.Throws<InvalidDataException>(() => Safetensors.Deserialize(bytes));
        return ex.Message;
    }

    [Fact]
    public void Truncated_AtEveryLength_ThrowsInvalidData()
    {
        byte[] valid = Valid();
        Assert.Equal(2, Safetensors.Deserialize(valid).Tensors.Count);
        for (int length = 0; length < valid.Length; length++)
        {
            var ex = Record.Exception(() => Safetensors.Deserialize(valid.AsSpan(0, length)));
            Assert.True(ex is InvalidDataException, $"length {length}: expected InvalidDataException, got {ex?.GetType().Name ?? "no exception"}");
        }
    }

    [Fact]
    public void SingleByteCorruption_AnywhereInTheHeader_ThrowsOnlyInvalidDataOrParses()
    {
        // Every header position overwritten by each of a set of JSON-significant and invalid-UTF-8 bytes: the reader
        // either accepts the result (e.g. a changed name) or rejects it with InvalidDataException, nothing else.
        byte[] valid = Valid();
        int headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        byte[] replacements = "{}[]\":,-09e. \\x"u8.ToArray().Concat(new byte[] { 0x00, 0x80, 0xC3, 0xFF }).ToArray();
        for (int pos = 0; pos < headerEnd; pos++)
        {
            foreach (byte r in replacements)
            {
                var bytes = (byte[])valid.Clone();
                bytes[pos] = r;
                var ex = Record.Exception(() => Safetensors.Deserialize(bytes));
                Assert.True(ex is null or InvalidDataException, $"byte {pos} set to 0x{r:X2}: {ex}");
            }
        }
    }

    [Fact]
    public void ShorterThanEightBytes_Throws() => Assert.Contains("shorter than the 8-byte", Rejects([1, 0, 0]));

    [Fact]
    public void HeaderLengthBeyondFile_Throws() => Assert.Contains("goes beyond the file", Rejects(File("{}", 0, headerLength: 3)));

    [Fact]
    public void HeaderLengthAbsurd_Throws()
    {
        Assert.Contains("absurd", Rejects(File("{}", 0, headerLength: ulong.MaxValue)));
        Assert.Contains("absurd", Rejects(File("{}", 0, headerLength: 1UL << 40)));
    }

    [Theory]
    [InlineData("{\"a\":")]
    [InlineData("{\"a\":{\"dtype\":\"F64\",}}")]
    [InlineData("{} x")]
    public void InvalidJson_Throws(string json) => Assert.Contains("not valid JSON", Rejects(File(json, 0)));

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("")]
    [InlineData("   {}")]
    public void HeaderNotAnObject_Throws(string json) => Assert.Contains("not a JSON object", Rejects(File(json, 0)));

    [Fact]
    public void UnknownDtype_NamesTensorAndDtype()
    {
        string m = Rejects(File("{\"w\":{\"dtype\":\"F99\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8));
        Assert.Contains("'w'", m);
        Assert.Contains("unknown dtype 'F99'", m);
    }

    [Fact]
    public void UnsupportedDtype_NamesTensorAndDtype()
    {
        string m = Rejects(File("{\"ids\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 8));
        Assert.Contains("'ids'", m);
        Assert.Contains("I64", m);
    }

    [Fact]
    public void OffsetsBeyondData_Throws() =>
        Assert.Contains("go beyond the data", Rejects(File("{\"w\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}", 8)));

    [Fact]
    public void OffsetsNotMatchingShape_Throws()
    {
        string m = Rejects(File("{\"w\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,16]}}", 16));
        Assert.Contains("'w'", m);
        Assert.Contains("24 bytes", m);
    }

    [Fact]
    public void OffsetsEndBeforeBegin_Throws() =>
        Assert.Contains("end before they begin", Rejects(File("{\"w\":{\"dtype\":\"F64\",\"shape\":[0],\"data_offsets\":[8,0]}}", 8)));

    [Fact]
    public void OverlappingTensors_Throws()
    {
        string m = Rejects(File(
            "{\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},\"b\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}", 24));
        Assert.Contains("'b'", m);
        Assert.Contains("overlap", m);
    }

    [Fact]
    public void GapBetweenTensors_Throws() =>
        Assert.Contains("gap", Rejects(File(
            "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[16,24]}}", 24)));

    [Fact]
    public void TrailingBytes_Throws() =>
        Assert.Contains("trailing", Rejects(File("{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", 16)));

    [Fact]
    public void DuplicateTensorName_Throws()
    {
        string m = Rejects(File(
            "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}", 16));
        Assert.Contains("'a' appears twice", m);
    }

    [Theory]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[-1],\"data_offsets\":[0,8]}}", "shape entry -1")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1.5],\"data_offsets\":[0,8]}}", "shape entry 1.5")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":\"1\",\"data_offsets\":[0,8]}}", "not an array")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8,16]}}", "3 data_offsets")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1]}}", "no 'data_offsets'")]
    [InlineData("{\"w\":{\"shape\":[1],\"data_offsets\":[0,8]}}", "no 'dtype'")]
    [InlineData("{\"w\":{\"dtype\":64,\"shape\":[1],\"data_offsets\":[0,8]}}", "not a string")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}", "'dtype' twice")]
    [InlineData("{\"w\":[1]}", "not an object")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[2147483647,2147483647,2147483647],\"data_offsets\":[0,8]}}", "more elements")]
    [InlineData("{\"w\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,18446744073709551616]}}", "data_offsets entry")]
    public void MalformedTensorEntry_ThrowsNamingTheProblem(string json, string problem)
    {
        string m = Rejects(File(json, 8));
        Assert.Contains(problem, m);
        Assert.Contains("'w'", m);
    }

    [Theory]
    [InlineData("{\"__metadata__\":{\"k\":1}}", "metadata 'k'")]
    [InlineData("{\"__metadata__\":[\"k\"]}", "not an object")]
    [InlineData("{\"__metadata__\":{},\"__metadata__\":{}}", "appears twice")]
    public void MalformedMetadata_Throws(string json, string problem) => Assert.Contains(problem, Rejects(File(json, 0)));

    [Fact]
    public void Load_CorruptFile_MessageNamesThePath()
    {
        string path = Path.Combine(Path.GetTempPath(), $"tensorless-corrupt-{Guid.NewGuid():N}.safetensors");
        System.IO.File.WriteAllBytes(path, [1, 2, 3]);
        try
        {
            var ex = Assert.Throws<InvalidDataException>(() => Safetensors.Load(path));
            Assert.Contains(path, ex.Message);
        }
        finally
        {
            System.IO.File.Delete(path);
        }
    }
}
