namespace Tensorless.Autodiff.Serialization;

/// <summary>
/// One named tensor of a safetensors file: its shape as PyTorch sees it (any rank, e.g. a weight [out, in] or a bias
/// [out]) and its values, row-major, widened to double. <see cref="DType"/> records what the file stored.
/// </summary>
public sealed class SafetensorsTensor
{
    private readonly int[] _shape;

    /// <summary>Creates a tensor to write as F64.</summary>
    /// <exception cref="ArgumentException">The name is empty or <c>__metadata__</c>, a dimension is negative, or the shape does not hold <paramref name="data"/>.</exception>
    public SafetensorsTensor(string name, ReadOnlySpan<int> shape, double[] data)
        : this(name, shape, data, SafetensorsDType.F64)
    {
    }

    internal SafetensorsTensor(string name, ReadOnlySpan<int> shape, double[] data, SafetensorsDType dtype)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(data);
        if (name.Length == 0 || name == Safetensors.MetadataKey)
        {
            throw new ArgumentException($"A tensor name must be non-empty and not '{Safetensors.MetadataKey}', got '{name}'.", nameof(name));
        }

        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Tensor '{name}' has a negative dimension {d}.", nameof(shape));
            }
        }

        // A zero anywhere makes the tensor empty; otherwise stop multiplying once past the data, before it can overflow.
        long count = shape.Contains(0) ? 0 : 1;
        for (int i = 0; i < shape.Length && count != 0 && count <= data.Length; i++)
        {
            count *= shape[i];
        }

        if (count != data.Length)
        {
            throw new ArgumentException($"Tensor '{name}' of shape {FormatShape(shape)} needs {count} values, got {data.Length}.", nameof(data));
        }

        Name = name;
        _shape = shape.ToArray();
        Data = data;
        DType = dtype;
    }

    /// <summary>The tensor's name, e.g. <c>actor.0.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The shape (rank 0 is a scalar with one value).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The values, row-major (shared, not copied).</summary>
    public double[] Data { get; }

    /// <summary>The element type in the file: F64 for everything Tensorless writes, F32 for a converted float32 file.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>The shape as text, e.g. <c>[64, 4]</c>.</summary>
    public string ShapeText => FormatShape(_shape);

    /// <summary>True when the shape is exactly <paramref name="shape"/>.</summary>
    public bool HasShape(IReadOnlyList<int> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Count != _shape.Length)
        {
            return false;
        }

        for (int i = 0; i < _shape.Length; i++)
        {
            if (shape[i] != _shape[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <inheritdoc />
    public override string ToString() => $"{Name}{ShapeText} {DType}";

    internal static string FormatShape(ReadOnlySpan<int> shape) => $"[{string.Join(", ", shape.ToArray())}]";

    internal static string FormatShape(IReadOnlyList<int> shape) => $"[{string.Join(", ", shape)}]";
}
