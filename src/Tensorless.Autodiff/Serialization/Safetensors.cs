using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Tensorless.Autodiff.Serialization;

/// <summary>
/// Reads and writes the safetensors format (Hugging Face), so Python's <c>safetensors.torch.load_file</c> opens our
/// checkpoints and we open theirs: 8 bytes of little-endian header length N, N bytes of JSON header
/// <c>{"name": {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__": {string: string}}</c> padded with spaces
/// to a multiple of 8 (so the data that follows stays 8-byte aligned), then the raw little-endian data. As the reference
/// writer does, tensors are laid out sorted by name (all ours are F64) and the header lists them in data order after the
/// metadata.
/// </summary>
public static class Safetensors
{
    /// <summary>The reserved header key for the free-form string map.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>The largest header accepted, the reference implementation's limit (100 MB): a bigger one is corrupt.</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Serialises <paramref name="tensors"/> as F64 with an optional metadata map.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a metadata key is null.</exception>
    public static byte[] Serialize(IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        using var stream = new MemoryStream();
        Write(stream, tensors, metadata);
        return stream.ToArray();
    }

    /// <summary>Writes <paramref name="tensors"/> as F64 with an optional metadata map to <paramref name="stream"/>.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a metadata value is null.</exception>
    public static void Write(Stream stream, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(tensors);
        var sorted = tensors.ToList();
        sorted.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        for (int i = 1; i < sorted.Count; i++)
        {
            if (sorted[i].Name == sorted[i - 1].Name)
            {
                throw new ArgumentException($"Tensor names must be unique; '{sorted[i].Name}' appears twice.", nameof(tensors));
            }
        }

        byte[] header = BuildHeader(sorted, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        stream.Write(prefix);
        stream.Write(header);
        foreach (var t in sorted)
        {
            WriteF64(stream, t.Data);
        }
    }

    /// <summary>
    /// Writes a file atomically: the bytes go to a temporary file in the same directory, are flushed to disk, and the
    /// temporary file is renamed over <paramref name="path"/>, so a crash leaves either the old file or the new one.
    /// </summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a metadata value is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static void Save(string path, IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        string dir = Path.GetDirectoryName(full) ?? ".";
        string temp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var fs = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                Write(fs, tensors, metadata);
                fs.Flush(flushToDisk: true);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    /// <summary>Parses a whole safetensors file held in memory; F32 data is widened to double.</summary>
    /// <exception cref="InvalidDataException">The bytes are not a valid safetensors file; the message names the problem and the tensor.</exception>
    public static SafetensorsFile Deserialize(ReadOnlySpan<byte> bytes) => SafetensorsParser.Parse(bytes);

    /// <summary>
    /// Reads and parses the file at <paramref name="path"/>. The read is bounded by what the header declares and by
    /// what the file actually holds, never by a length taken on trust: a device such as /dev/zero, a truncated file or
    /// a header claiming terabytes fails with a named error after reading at most the declared bytes plus one.
    /// </summary>
    /// <exception cref="InvalidDataException">The file is not a valid safetensors file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafetensorsFile Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            bytes = SafetensorsParser.ReadBounded(stream);
        }

        try
        {
            return SafetensorsParser.Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: {e.Message}", e);
        }
    }

    /// <summary>
    /// Reads only the <c>__metadata__</c> map of the file at <paramref name="path"/> (the header, not the data; no checksum
    /// is verified), e.g. to match a checkpoint id cheaply.
    /// </summary>
    /// <exception cref="InvalidDataException">The header is not a valid safetensors header.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static IReadOnlyDictionary<string, string> ReadMetadata(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> prefix = stackalloc byte[8];
        stream.ReadExactly(prefix);
        ulong n = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (n > (ulong)Math.Min(MaxHeaderLength, stream.Length - 8))
        {
            throw new InvalidDataException($"{path}: Invalid safetensors file: the header length {n} goes beyond the file ({stream.Length} bytes).");
        }

        byte[] header = new byte[n];
        stream.ReadExactly(header);
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(header);
            if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(MetadataKey, out var map) && map.ValueKind == JsonValueKind.Object)
            {
                foreach (var item in map.EnumerateObject())
                {
                    if (item.Value.ValueKind == JsonValueKind.String)
                    {
                        metadata[item.Name] = item.Value.GetString()!;
                    }
                }
            }
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path}: Invalid safetensors file: the header is not valid JSON ({e.Message}).", e);
        }

        return metadata;
    }

    private static byte[] BuildHeader(List<SafetensorsTensor> sorted, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        // Relaxed escaping keeps names and metadata readable; the output is still strict JSON (this is a file, not HTML).
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is not null)
            {
                json.WriteStartObject(MetadataKey);
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                {
                    if (value is null)
                    {
                        throw new ArgumentException($"Metadata value of '{key}' is null; safetensors metadata holds strings only.", nameof(metadata));
                    }

                    json.WriteString(key, value);
                }

                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var t in sorted)
            {
                long end = offset + 8L * t.Data.Length;
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", "F64");
                json.WriteStartArray("shape");
                foreach (int d in t.Shape)
                {
                    json.WriteNumberValue(d);
                }

                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        int padding = (int)((8 - buffer.Length % 8) % 8);
        for (int i = 0; i < padding; i++)
        {
            buffer.WriteByte((byte)' ');
        }

        return buffer.ToArray();
    }

    private static void WriteF64(Stream stream, double[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(data.AsSpan()));
            return;
        }

        Span<byte> eight = stackalloc byte[8];
        foreach (double d in data)
        {
            // Through the bit pattern, so NaN payloads and signed zeros survive.
            BinaryPrimitives.WriteInt64LittleEndian(eight, BitConverter.DoubleToInt64Bits(d));
            stream.Write(eight);
        }
    }
}
