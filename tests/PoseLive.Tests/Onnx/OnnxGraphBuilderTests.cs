using Google.Protobuf;
using PoseLive.Onnx;

namespace PoseLive.Tests.Onnx;

/// <summary>The writer's own guarantees and its wire format (field numbers of onnx.proto).</summary>
public class OnnxGraphBuilderTests
{
    [Fact]
    public void Node_input_must_be_defined_first()
    {
        var g = new OnnxGraphBuilder("g");
        var e = Assert.Throws<ArgumentException>(() => g.Node("Relu", ["nowhere"]));
        Assert.Contains("'nowhere'", e.Message);
    }

    [Fact]
    public void Names_are_unique()
    {
        var g = new OnnxGraphBuilder("g");
        g.Input("x", OnnxDataType.Float, 1);
        Assert.Throws<ArgumentException>(() => g.Initializer<float>("x", [1f], 1));
    }

    [Fact]
    public void Graph_without_outputs_is_rejected()
    {
        var g = new OnnxGraphBuilder("g");
        g.Input("x", OnnxDataType.Float, 1);
        Assert.Throws<InvalidOperationException>(() => g.Build());
    }

    [Fact]
    public void Initializer_shape_must_match_its_values()
    {
        var g = new OnnxGraphBuilder("g");
        var e = Assert.Throws<ArgumentException>(() => g.Initializer<float>("w", [1f, 2f, 3f], 2, 2));
        Assert.Contains("holds 4 values, got 3", e.Message);
    }

    [Fact]
    public void Model_bytes_carry_the_official_field_numbers()
    {
        var g = new OnnxGraphBuilder("tiny", opset: 13);
        var x = g.Input("x", OnnxDataType.Float, "N", 2);
        g.Output(g.Node("Relu", [x]), OnnxDataType.Float, "N", 2);
        var bytes = g.Build(metadata: new Dictionary<string, string> { ["card"] = "{}" }).ToByteArray();

        var fields = TopLevelFields(bytes);
        Assert.Equal(8L, (long)fields[1].Single());                    // ir_version = 1
        Assert.Equal("PoseLive", ((ByteString)fields[2].Single()).ToStringUtf8()); // producer_name = 2
        Assert.True(fields.ContainsKey(7));                             // graph = 7
        var opset = TopLevelFields(((ByteString)fields[8].Single()).ToByteArray()); // opset_import = 8
        Assert.Equal(13L, (long)opset[2].Single());                     // OperatorSetIdProto.version = 2
        Assert.True(fields.ContainsKey(14));                            // metadata_props = 14

        var graph = TopLevelFields(((ByteString)fields[7].Single()).ToByteArray());
        Assert.Equal("tiny", ((ByteString)graph[2].Single()).ToStringUtf8());  // GraphProto.name = 2
        Assert.Single(graph[1]);                                        // node = 1
        Assert.Single(graph[11]);                                       // input = 11
        Assert.Single(graph[12]);                                       // output = 12
        var node = TopLevelFields(((ByteString)graph[1].Single()).ToByteArray());
        Assert.Equal("Relu", ((ByteString)node[4].Single()).ToStringUtf8());   // NodeProto.op_type = 4
        Assert.Equal("x", ((ByteString)node[1].Single()).ToStringUtf8());      // NodeProto.input = 1
    }

    [Fact]
    public void Zero_valued_dimension_and_int_attribute_are_still_written()
    {
        var dim = new DimensionProto { DimValue = 0 };
        Assert.Equal(2, dim.CalculateSize());                // tag + varint 0: a zero-length axis is not "unset"
        var attr = AttributeProto.Int("axis", 0);
        var f = TopLevelFields(attr.ToByteArray());
        Assert.Equal(0L, (long)f[3].Single());               // i = 3
        Assert.Equal((long)AttributeType.Int, (long)f[20].Single()); // type = 20
    }

    /// <summary>Decodes one message level: field number → values (varints as long, length-delimited as bytes).</summary>
    private static Dictionary<int, List<object>> TopLevelFields(byte[] bytes)
    {
        var result = new Dictionary<int, List<object>>();
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            int field = WireFormat.GetTagFieldNumber(tag);
            object value = WireFormat.GetTagWireType(tag) switch
            {
                WireFormat.WireType.Varint => input.ReadInt64(),
                WireFormat.WireType.LengthDelimited => input.ReadBytes(),
                WireFormat.WireType.Fixed32 => input.ReadFloat(),
                _ => throw new InvalidDataException($"unexpected wire type in field {field}"),
            };
            if (!result.TryGetValue(field, out var list)) result[field] = list = [];
            list.Add(value);
        }
        return result;
    }
}
