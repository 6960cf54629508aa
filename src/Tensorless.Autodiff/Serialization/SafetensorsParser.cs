using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace Tensorless.Autodiff.Serialization;

/// <summary>
/// Validating safetensors reader. Files come from elsewhere (Python users, old runs, half-written disks), so every field is
/// checked before any data is touched: lengths against the file, dtype and shape against the byte range, and the ranges
/// against each other. As in the reference implementation the ranges must tile the data region exactly, in order, with no
/// gap, overlap or trailing bytes. Every failure is an <see cref="InvalidDataException"/>; no read goes out of range.
/// </summary>
internal static class SafetensorsParser
{
    private static readonly string[] s_knownUnsupported =
        ["BOOL", "U8", "I8", "U16", "I16", "U32", "I32", "U64", "I64", "F16", "BF16", "F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2", "F4", "C64"];

    private readonly record struct Entry(string Name, SafetensorsDType DType, int[] Shape, long Begin, long End, long Count);

    public static SafetensorsFile Parse(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 8)
        {
            throw Fail($"the file is {bytes.Length} bytes, shorter than the 8-byte header length");
        }

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (n > (ulong)Safetensors.MaxHeaderLength)
        {
            throw Fail($"the header length {n} is absurd (the limit is {Safetensors.MaxHeaderLength} bytes)");
        }

        if (n > (ulong)(bytes.Length - 8))
        {
            throw Fail($"the header length {n} goes beyond the file ({bytes.Length} bytes, so at most {bytes.Length - 8})");
        }

        var header = bytes.Slice(8, (int)n);
        var data = bytes[(8 + (int)n)..];
        if (header.IsEmpty || header[0] != (byte)'{')
        {
            throw Fail("the header does not start with '{', so it is not a JSON object");
        }

        if (!System.Text.Unicode.Utf8.IsValid(header))
        {
            throw Fail("the header is not valid UTF-8");
        }

        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<Entry>();
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(header.ToArray());
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"Invalid safetensors file: the header is not valid JSON ({e.Message}).", e);
        }

        using (doc)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in doc.RootElement.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw Fail($"the name '{property.Name}' appears twice in the header");
                }

                if (property.Name == Safetensors.MetadataKey)
                {
                    ReadMetadata(property.Value, metadata);
                }
                else
                {
                    entries.Add(ReadEntry(property.Name, property.Value, data.Length));
                }
            }
        }

        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expected = 0;
        foreach (var e in entries)
        {
            if (e.Begin < expected)
            {
                throw Fail($"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] overlap the previous tensor, which ends at {expected}");
            }

            if (e.Begin > expected)
            {
                throw Fail($"tensor '{e.Name}' starts at {e.Begin}, leaving a gap after byte {expected} of the data");
            }

            expected = e.End;
        }

        if (expected != data.Length)
        {
            throw Fail($"the tensors cover {expected} bytes but the data region holds {data.Length} (trailing bytes)");
        }

        // Per-tensor checksums (SafetensorsChecksums), verified before any value is decoded.
        SafetensorsChecksums.CheckNames(metadata, entries.Select(e => e.Name).ToHashSet(StringComparer.Ordinal));
        foreach (var e in entries)
        {
            if (metadata.TryGetValue(SafetensorsChecksums.KeyPrefix + e.Name, out string? checksum))
            {
                SafetensorsChecksums.Check(e.Name, checksum, data.Slice((int)e.Begin, (int)(e.End - e.Begin)));
            }
        }

        var tensors = new List<SafetensorsTensor>(entries.Count);
        foreach (var e in entries)
        {
            tensors.Add(new SafetensorsTensor(e.Name, e.Shape, Decode(data.Slice((int)e.Begin, (int)(e.End - e.Begin)), e), e.DType));
        }

        return new SafetensorsFile(tensors, metadata);
    }

    /// <summary>
    /// Reads from <paramref name="stream"/> the bytes a safetensors file can hold according to its own header (8 bytes,
    /// the header, the largest data end offset) plus one byte to expose trailing data, in chunks, so memory grows only
    /// with bytes that exist. Whatever is malformed is left for <see cref="Parse"/> to name.
    /// </summary>
    public static byte[] ReadBounded(Stream stream)
    {
        var buffer = new MemoryStream();
        if (Append(stream, buffer, 8) < 8)
        {
            return buffer.ToArray();
        }

        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(buffer.GetBuffer().AsSpan(0, 8));
        if (n > (ulong)Safetensors.MaxHeaderLength || Append(stream, buffer, (long)n) < (long)n)
        {
            return buffer.ToArray();
        }

        long dataEnd = DeclaredDataEnd(buffer.GetBuffer().AsSpan(8, (int)n));
        long room = Array.MaxLength - buffer.Length - 1;
        Append(stream, buffer, Math.Min(dataEnd, room) + 1);
        return buffer.ToArray();
    }

    /// <summary>The largest <c>data_offsets</c> end in a header, or 0 when the header is not readable (Parse reports why).</summary>
    private static long DeclaredDataEnd(ReadOnlySpan<byte> header)
    {
        long end = 0;
        try
        {
            var reader = new Utf8JsonReader(header);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("data_offsets"u8) && reader.Read() && reader.TokenType == JsonTokenType.StartArray)
                {
                    while (reader.Read() && reader.TokenType == JsonTokenType.Number)
                    {
                        if (reader.TryGetInt64(out long v))
                        {
                            end = Math.Max(end, v);
                        }
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Malformed JSON: Parse names the problem.
        }

        return end;
    }

    /// <summary>Appends up to <paramref name="count"/> bytes, 1 MiB at a time; returns how many arrived before the end of the stream.</summary>
    private static long Append(Stream stream, MemoryStream buffer, long count)
    {
        var chunk = new byte[(int)Math.Min(count, 1 << 20)];
        long total = 0;
        while (total < count)
        {
            int read = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, count - total));
            if (read == 0)
            {
                break;
            }

            buffer.Write(chunk, 0, read);
            total += read;
        }

        return total;
    }

    private static void ReadMetadata(JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"'{Safetensors.MetadataKey}' is a {value.ValueKind}, not an object of strings");
        }

        foreach (var item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw Fail($"metadata '{item.Name}' is a {item.Value.ValueKind}, not a string");
            }

            if (!metadata.TryAdd(item.Name, item.Value.GetString()!))
            {
                throw Fail($"metadata key '{item.Name}' appears twice");
            }
        }
    }

    private static Entry ReadEntry(string name, JsonElement value, int dataLength)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw Fail($"tensor '{name}' is described by a {value.ValueKind}, not an object");
        }

        string? dtypeText = null;
        int[]? shape = null;
        long[]? offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtypeText is null:
                    dtypeText = field.Value.ValueKind == JsonValueKind.String
                        ? field.Value.GetString()!
                        : throw Fail($"tensor '{name}' has a dtype that is a {field.Value.ValueKind}, not a string");
                    break;
                case "shape" when shape is null:
                    shape = Array.ConvertAll(ReadIntegers(name, "shape", field.Value, int.MaxValue), d => (int)d);
                    break;
                case "data_offsets" when offsets is null:
                    offsets = ReadIntegers(name, "data_offsets", field.Value, long.MaxValue);
                    break;
                case "dtype" or "shape" or "data_offsets":
                    throw Fail($"tensor '{name}' has '{field.Name}' twice");
                default:
                    break; // Unknown fields are ignored, as the reference reader ignores them.
            }
        }

        if (dtypeText is null || shape is null || offsets is null)
        {
            string missing = dtypeText is null ? "dtype" : shape is null ? "shape" : "data_offsets";
            throw Fail($"tensor '{name}' has no '{missing}'");
        }

        SafetensorsDType dtype = dtypeText switch
        {
            "F64" => SafetensorsDType.F64,
            "F32" => SafetensorsDType.F32,
            _ when s_knownUnsupported.Contains(dtypeText) => throw Fail($"tensor '{name}' has dtype {dtypeText}, which Tensorless does not read (F64 and F32 only)"),
            _ => throw Fail($"tensor '{name}' has unknown dtype '{dtypeText}'"),
        };

        if (offsets.Length != 2)
        {
            throw Fail($"tensor '{name}' has {offsets.Length} data_offsets, not 2 ([begin, end])");
        }

        long begin = offsets[0], end = offsets[1];
        if (end < begin)
        {
            throw Fail($"tensor '{name}' data_offsets [{begin}, {end}] end before they begin");
        }

        if (end > dataLength)
        {
            throw Fail($"tensor '{name}' data_offsets [{begin}, {end}] go beyond the data region ({dataLength} bytes)");
        }

        int size = dtype == SafetensorsDType.F64 ? 8 : 4;
        long count = shape.Contains(0) ? 0 : 1;
        foreach (int d in count == 0 ? [] : shape)
        {
            count *= d;
            if (count > dataLength)
            {
                // Larger than the file can hold: stop before the product can overflow.
                throw Fail($"tensor '{name}' has shape {SafetensorsTensor.FormatShape(shape)}, more elements than the data region ({dataLength} bytes) holds");
            }
        }

        if (count * size != end - begin)
        {
            throw Fail($"tensor '{name}' has shape {SafetensorsTensor.FormatShape(shape)} x {dtypeText} = {count * size} bytes but data_offsets [{begin}, {end}] span {end - begin}");
        }

        return new Entry(name, dtype, shape, begin, end, count);
    }

    private static long[] ReadIntegers(string name, string field, JsonElement value, long max)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw Fail($"tensor '{name}' has a {field} that is a {value.ValueKind}, not an array");
        }

        var result = new long[value.GetArrayLength()];
        int i = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long x) || x < 0 || x > max)
            {
                throw Fail($"tensor '{name}' has a {field} entry {item.GetRawText()} that is not an integer in [0, {max}]");
            }

            result[i++] = x;
        }

        return result;
    }

    private static double[] Decode(ReadOnlySpan<byte> bytes, Entry e)
    {
        var values = new double[e.Count];
        if (e.DType == SafetensorsDType.F64)
        {
            if (BitConverter.IsLittleEndian)
            {
                // A byte copy, so every bit pattern (NaN payloads, signed zeros) comes back exactly.
                bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            }
            else
            {
                for (int i = 0; i < values.Length; i++)
                {
                    values[i] = BitConverter.Int64BitsToDouble(BinaryPrimitives.ReadInt64LittleEndian(bytes.Slice(8 * i, 8)));
                }
            }
        }
        else
        {
            for (int i = 0; i < values.Length; i++)
            {
                values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes.Slice(4 * i, 4));
            }
        }

        return values;
    }

    private static InvalidDataException Fail(string problem) => new($"Invalid safetensors file: {problem}.");
}
