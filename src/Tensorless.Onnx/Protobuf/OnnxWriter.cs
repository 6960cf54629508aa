using Google.Protobuf;

namespace Tensorless.Onnx.Protobuf;

/// <summary>
/// Encodes <see cref="OnnxModel"/> as ONNX's protobuf wire format with Google.Protobuf's <see cref="CodedOutputStream"/>,
/// by hand: seven small messages do not warrant generated code. Nested messages are encoded into their own buffers first
/// and written as length-delimited bytes. Scalars are always written, even when zero, so readers that ask "is the field
/// present" (onnx.proto is proto2) see an explicit <c>axis = 0</c>; repeated integers are written unpacked (proto2's
/// default), which proto2 and proto3 readers both accept.
/// </summary>
internal static class OnnxWriter
{
    // Field numbers from onnx.proto3.
    private static class Model
    {
        public const int IrVersion = 1, ProducerName = 2, ProducerVersion = 3, Doc = 6, Graph = 7, OpsetImport = 8, MetadataProps = 14;
    }

    private static class OpsetId
    {
        public const int Domain = 1, Version = 2;
    }

    private static class StringEntry
    {
        public const int Key = 1, Value = 2;
    }

    private static class Graph
    {
        public const int Node = 1, Name = 2, Doc = 10, Input = 11, Output = 12;
    }

    private static class Node
    {
        public const int Input = 1, Output = 2, Name = 3, OpType = 4, Attribute = 5;
    }

    private static class Attribute
    {
        public const int Name = 1, F = 2, I = 3, T = 5, Type = 20;
    }

    private static class TensorField
    {
        public const int Dims = 1, DataType = 2, Name = 8, RawData = 9;
    }

    private static class ValueInfo
    {
        public const int Name = 1, Type = 2, Doc = 3;
    }

    private static class TypeField
    {
        public const int TensorType = 1;
    }

    private static class TensorTypeField
    {
        public const int ElemType = 1, Shape = 2;
    }

    private static class ShapeField
    {
        public const int Dim = 1;
    }

    private static class DimensionField
    {
        public const int DimValue = 1, DimParam = 2;
    }

    /// <summary>The serialized <c>ModelProto</c>.</summary>
    public static byte[] Encode(OnnxModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Message(o =>
        {
            Int64(o, Model.IrVersion, model.IrVersion);
            String(o, Model.ProducerName, model.ProducerName);
            String(o, Model.ProducerVersion, model.ProducerVersion);
            String(o, Model.Doc, model.Doc);
            Bytes(o, Model.Graph, EncodeGraph(model.Graph));
            Bytes(o, Model.OpsetImport, Message(s =>
            {
                String(s, OpsetId.Domain, "");
                Int64(s, OpsetId.Version, model.Opset);
            }));
            foreach (var (key, value) in model.Metadata)
            {
                Bytes(o, Model.MetadataProps, Message(s =>
                {
                    String(s, StringEntry.Key, key);
                    String(s, StringEntry.Value, value);
                }));
            }
        });
    }

    /// <summary>The serialized <c>TensorProto</c>.</summary>
    public static byte[] EncodeTensor(OnnxTensor tensor) => Message(o =>
    {
        foreach (long d in tensor.Dims)
        {
            Int64(o, TensorField.Dims, d);
        }

        Int64(o, TensorField.DataType, (long)tensor.DataType);
        String(o, TensorField.Name, tensor.Name);
        Bytes(o, TensorField.RawData, tensor.RawData);
    });

    private static byte[] EncodeGraph(OnnxGraph graph) => Message(o =>
    {
        foreach (var node in graph.Nodes)
        {
            Bytes(o, Graph.Node, EncodeNode(node));
        }

        String(o, Graph.Name, graph.Name);
        String(o, Graph.Doc, graph.Doc);
        foreach (var input in graph.Inputs)
        {
            Bytes(o, Graph.Input, EncodeValueInfo(input));
        }

        foreach (var output in graph.Outputs)
        {
            Bytes(o, Graph.Output, EncodeValueInfo(output));
        }
    });

    private static byte[] EncodeNode(OnnxNode node) => Message(o =>
    {
        foreach (string input in node.Inputs)
        {
            String(o, Node.Input, input);
        }

        foreach (string output in node.Outputs)
        {
            String(o, Node.Output, output);
        }

        String(o, Node.Name, node.Name);
        String(o, Node.OpType, node.OpType);
        foreach (var attribute in node.Attributes)
        {
            Bytes(o, Node.Attribute, EncodeAttribute(attribute));
        }
    });

    private static byte[] EncodeAttribute(OnnxAttribute attribute) => Message(o =>
    {
        String(o, Attribute.Name, attribute.Name);
        switch (attribute.Type)
        {
            case OnnxAttributeType.Float:
                o.WriteTag(Attribute.F, WireFormat.WireType.Fixed32);
                o.WriteFloat(attribute.Float);
                break;
            case OnnxAttributeType.Int:
                Int64(o, Attribute.I, attribute.Int);
                break;
            case OnnxAttributeType.Tensor:
                Bytes(o, Attribute.T, EncodeTensor(attribute.Tensor ?? throw new ArgumentException($"Attribute '{attribute.Name}' has no tensor.")));
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(attribute), attribute.Type, "Unsupported attribute type.");
        }

        Int64(o, Attribute.Type, (long)attribute.Type);
    });

    private static byte[] EncodeValueInfo(OnnxValueInfo info) => Message(o =>
    {
        String(o, ValueInfo.Name, info.Name);
        var shape = Message(s =>
        {
            foreach (var dim in info.Shape)
            {
                Bytes(s, ShapeField.Dim, Message(d =>
                {
                    if (dim.Param is { } param)
                    {
                        String(d, DimensionField.DimParam, param);
                    }
                    else
                    {
                        Int64(d, DimensionField.DimValue, dim.Value);
                    }
                }));
            }
        });
        var tensorType = Message(t =>
        {
            Int64(t, TensorTypeField.ElemType, (long)info.ElementType);
            Bytes(t, TensorTypeField.Shape, shape);
        });
        Bytes(o, ValueInfo.Type, Message(t => Bytes(t, TypeField.TensorType, tensorType)));
        String(o, ValueInfo.Doc, info.Doc);
    });

    private static byte[] Message(Action<CodedOutputStream> write)
    {
        using var buffer = new MemoryStream();
        using (var output = new CodedOutputStream(buffer, leaveOpen: true))
        {
            write(output);
        }

        return buffer.ToArray();
    }

    // int32 and enum fields share int64's varint encoding for non-negative values, so one writer serves all three.
    private static void Int64(CodedOutputStream o, int field, long value)
    {
        o.WriteTag(field, WireFormat.WireType.Varint);
        o.WriteInt64(value);
    }

    private static void String(CodedOutputStream o, int field, string value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteString(value);
    }

    private static void Bytes(CodedOutputStream o, int field, byte[] value)
    {
        o.WriteTag(field, WireFormat.WireType.LengthDelimited);
        o.WriteBytes(ByteString.CopyFrom(value));
    }
}
