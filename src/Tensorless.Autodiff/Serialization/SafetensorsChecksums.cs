using System.Security.Cryptography;
using System.Runtime.InteropServices;

namespace Tensorless.Autodiff.Serialization;

/// <summary>
/// Per-tensor integrity checks kept in a safetensors file's <c>__metadata__</c>: one entry
/// <c>sha256:NAME</c> = lowercase hex SHA-256 of the tensor's bytes as stored (little-endian, after the header). Python's
/// <c>safetensors</c> ignores them (metadata is a free string map); <see cref="Safetensors.Load"/> and
/// <see cref="Safetensors.Deserialize"/> verify every entry present, so a flipped bit in a tensor is named instead of
/// loading silently. Files without entries (older ones, Python's) load unchecked.
/// </summary>
public static class SafetensorsChecksums
{
    /// <summary>The metadata key prefix; the tensor's name follows it.</summary>
    public const string KeyPrefix = "sha256:";

    /// <summary>
    /// Returns <paramref name="metadata"/> (copied; may be null) plus a checksum entry per tensor, to pass to
    /// <see cref="Safetensors.Write"/>. The hashes are of the F64 little-endian bytes that writer stores.
    /// </summary>
    /// <exception cref="ArgumentException">A metadata key already uses the checksum prefix.</exception>
    public static Dictionary<string, string> With(IEnumerable<SafetensorsTensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (key.StartsWith(KeyPrefix, StringComparison.Ordinal))
            {
                throw new ArgumentException($"Metadata key '{key}' uses the reserved checksum prefix '{KeyPrefix}'.", nameof(metadata));
            }

            result[key] = value;
        }

        foreach (var t in tensors)
        {
            result[KeyPrefix + t.Name] = Hash(F64Bytes(t.Data));
        }

        return result;
    }

    /// <summary>Hex SHA-256 of <paramref name="bytes"/>.</summary>
    internal static string Hash(ReadOnlySpan<byte> bytes)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(bytes, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>Throws when a checksum entry of <paramref name="metadata"/> names a tensor the file does not have.</summary>
    /// <exception cref="InvalidDataException">An entry names no tensor.</exception>
    internal static void CheckNames(IReadOnlyDictionary<string, string> metadata, ISet<string> names)
    {
        foreach (string key in metadata.Keys)
        {
            if (key.StartsWith(KeyPrefix, StringComparison.Ordinal) && !names.Contains(key[KeyPrefix.Length..]))
            {
                throw new InvalidDataException($"Invalid safetensors file: metadata '{key}' holds a checksum for tensor '{key[KeyPrefix.Length..]}', which the file does not have.");
            }
        }
    }

    /// <summary>Throws when <paramref name="stored"/>, the bytes of tensor <paramref name="name"/>, do not hash to <paramref name="expected"/>.</summary>
    /// <exception cref="InvalidDataException">The bytes do not match.</exception>
    internal static void Check(string name, string expected, ReadOnlySpan<byte> stored)
    {
        string actual = Hash(stored);
        if (!string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidDataException($"Invalid safetensors file: tensor '{name}' fails its checksum (SHA-256 of its bytes is {actual}, the metadata says {expected}); the file is corrupt.");
        }
    }

    private static ReadOnlySpan<byte> F64Bytes(double[] data)
    {
        if (BitConverter.IsLittleEndian)
        {
            return MemoryMarshal.AsBytes(data.AsSpan());
        }

        var bytes = new byte[data.Length * 8];
        for (int i = 0; i < data.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(8 * i), BitConverter.DoubleToInt64Bits(data[i]));
        }

        return bytes;
    }
}
