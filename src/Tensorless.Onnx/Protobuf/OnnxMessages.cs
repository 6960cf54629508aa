namespace Tensorless.Onnx.Protobuf;

// The handful of ONNX messages the exporter writes, as plain records. Field meanings follow onnx.proto3 (ModelProto,
// GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto, OperatorSetIdProto); OnnxWriter holds the field
// numbers. Only what a feed-forward policy needs is modelled.

/// <summary>ONNX <c>TensorProto.DataType</c> values used here.</summary>
internal enum OnnxDataType
{
    Float = 1,
    Int64 = 7,
    Double = 11,
}

/// <summary>ONNX <c>AttributeProto.AttributeType</c> values used here.</summary>
internal enum OnnxAttributeType
{
    Float = 1,
    Int = 2,
    Tensor = 4,
}

/// <summary>A dense tensor stored as little-endian <c>raw_data</c> (the encoding every runtime reads).</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, OnnxDataType DataType, byte[] RawData)
{
    /// <summary>A float32 or float64 tensor from doubles, rounded to float32 when <paramref name="type"/> is Float.</summary>
    public static OnnxTensor FromDoubles(string name, long[] dims, OnnxDataType type, ReadOnlySpan<double> values)
    {
        long count = 1;
        foreach (long d in dims)
        {
            count *= d;
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"Tensor '{name}' has {values.Length} values for shape [{string.Join(", ", dims)}].", nameof(values));
        }

        byte[] raw;
        switch (type)
        {
            case OnnxDataType.Float:
                raw = new byte[values.Length * sizeof(float)];
                for (int i = 0; i < values.Length; i++)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * sizeof(float)), (float)values[i]);
                }

                break;
            case OnnxDataType.Double:
                raw = new byte[values.Length * sizeof(double)];
                for (int i = 0; i < values.Length; i++)
                {
                    System.Buffers.Binary.BinaryPrimitives.WriteDoubleLittleEndian(raw.AsSpan(i * sizeof(double)), values[i]);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(type), type, "Only float and double tensors are built from doubles.");
        }

        return new OnnxTensor(name, dims, type, raw);
    }
}

/// <summary>A node attribute: exactly one of <see cref="Float"/>, <see cref="Int"/>, <see cref="Tensor"/> is in use, as <see cref="Type"/> says.</summary>
internal sealed record OnnxAttribute(string Name, OnnxAttributeType Type, float Float = 0, long Int = 0, OnnxTensor? Tensor = null)
{
    public static OnnxAttribute Of(string name, long value) => new(name, OnnxAttributeType.Int, Int: value);

    public static OnnxAttribute Of(string name, float value) => new(name, OnnxAttributeType.Float, Float: value);

    public static OnnxAttribute Of(string name, OnnxTensor value) => new(name, OnnxAttributeType.Tensor, Tensor: value);
}

/// <summary>One operator application in the default (<c>ai.onnx</c>) domain.</summary>
internal sealed record OnnxNode(string Name, string OpType, string[] Inputs, string[] Outputs, OnnxAttribute[] Attributes);

/// <summary>One dimension of a value's shape: a fixed size, or a named free size such as the batch.</summary>
internal readonly record struct OnnxDim(long Value, string? Param)
{
    public static implicit operator OnnxDim(long value) => new(value, null);

    public static implicit operator OnnxDim(string param) => new(0, param);
}

/// <summary>A graph input or output: name, element type, shape and documentation.</summary>
internal sealed record OnnxValueInfo(string Name, OnnxDataType ElementType, OnnxDim[] Shape, string Doc);

/// <summary>A graph: nodes in topological order, its inputs and outputs.</summary>
internal sealed record OnnxGraph(string Name, string Doc, IReadOnlyList<OnnxNode> Nodes, IReadOnlyList<OnnxValueInfo> Inputs, IReadOnlyList<OnnxValueInfo> Outputs);

/// <summary>A model: IR version, one opset import of the default domain, producer, documentation, metadata and the graph.</summary>
internal sealed record OnnxModel(
    long IrVersion, long Opset, string ProducerName, string ProducerVersion, string Doc, OnnxGraph Graph,
    IReadOnlyList<KeyValuePair<string, string>> Metadata);
