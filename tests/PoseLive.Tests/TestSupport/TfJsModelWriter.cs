using System.Text;
using System.Text.Json.Nodes;

namespace PoseLive.Tests.TestSupport;

/// <summary>Builds small TF.js graph models (model.json + one weight shard) for importer tests.</summary>
internal sealed class TfJsModelWriter
{
    private readonly JsonArray _nodes = [];
    private readonly JsonArray _weights = [];
    private readonly MemoryStream _data = new();

    private static JsonObject Type(string t) => new() { ["type"] = t };
    private static string B64(string s) => Convert.ToBase64String(Encoding.UTF8.GetBytes(s));

    public TfJsModelWriter Placeholder(string name, string dtype, params long[] shape)
    {
        var dims = new JsonArray(shape.Select(d => (JsonNode)new JsonObject { ["size"] = d.ToString(System.Globalization.CultureInfo.InvariantCulture) }).ToArray());
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Placeholder", ["attr"] = new JsonObject { ["dtype"] = Type(dtype), ["shape"] = new JsonObject { ["shape"] = new JsonObject { ["dim"] = dims } } } });
        return this;
    }

    /// <summary>A float constant; <paramref name="quantization"/> null, "float16" or "uint8".</summary>
    public TfJsModelWriter Const(string name, float[] values, int[] shape, string? quantization = null)
    {
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject { ["dtype"] = Type("DT_FLOAT") } });
        var w = new JsonObject { ["name"] = name, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()), ["dtype"] = "float32" };
        switch (quantization)
        {
            case null:
                foreach (var v in values) _data.Write(BitConverter.GetBytes(v));
                break;
            case "float16":
                foreach (var v in values) _data.Write(BitConverter.GetBytes((Half)v));
                w["quantization"] = new JsonObject { ["dtype"] = "float16" };
                break;
            case "uint8":
                float min = values.Min(), scale = (values.Max() - min) / 255f;
                foreach (var v in values) _data.WriteByte((byte)Math.Round((v - min) / scale));
                w["quantization"] = new JsonObject { ["dtype"] = "uint8", ["min"] = min, ["scale"] = scale };
                break;
        }
        _weights.Add(w);
        return this;
    }

    public TfJsModelWriter IntConst(string name, int[] values, int[] shape)
    {
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = "Const", ["attr"] = new JsonObject { ["dtype"] = Type("DT_INT32") } });
        foreach (var v in values) _data.Write(BitConverter.GetBytes(v));
        _weights.Add(new JsonObject { ["name"] = name, ["shape"] = new JsonArray(shape.Select(d => (JsonNode)d).ToArray()), ["dtype"] = "int32" });
        return this;
    }

    public TfJsModelWriter Node(string name, string op, string[] inputs, JsonObject? attributes = null)
    {
        _nodes.Add(new JsonObject { ["name"] = name, ["op"] = op, ["input"] = new JsonArray(inputs.Select(i => (JsonNode)i).ToArray()), ["attr"] = attributes ?? new JsonObject() });
        return this;
    }

    public static JsonObject ConvAttributes(string padding, int stride, params string[] fused) => new()
    {
        ["strides"] = new JsonObject { ["list"] = new JsonObject { ["i"] = new JsonArray("1", stride.ToString(System.Globalization.CultureInfo.InvariantCulture), stride.ToString(System.Globalization.CultureInfo.InvariantCulture), "1") } },
        ["dilations"] = new JsonObject { ["list"] = new JsonObject { ["i"] = new JsonArray("1", "1", "1", "1") } },
        ["padding"] = new JsonObject { ["s"] = B64(padding) },
        ["data_format"] = new JsonObject { ["s"] = B64("NHWC") },
        ["fused_ops"] = new JsonObject { ["list"] = new JsonObject { ["s"] = new JsonArray(fused.Select(f => (JsonNode)B64(f)).ToArray()) } },
        ["num_args"] = new JsonObject { ["i"] = "1" },
    };

    public static JsonObject Bools(params (string Name, bool Value)[] attributes) =>
        new(attributes.Select(a => KeyValuePair.Create(a.Name, (JsonNode?)new JsonObject { ["b"] = a.Value })));

    /// <summary>Writes model.json and weights.bin into <paramref name="dir"/>; returns the model.json path.</summary>
    public string Write(string dir, string name = "model")
    {
        var json = new JsonObject
        {
            ["format"] = "graph-model",
            ["generatedBy"] = "PoseLive tests",
            ["modelTopology"] = new JsonObject { ["node"] = _nodes.DeepClone() },
            ["weightsManifest"] = new JsonArray(new JsonObject { ["paths"] = new JsonArray($"{name}.bin"), ["weights"] = _weights.DeepClone() }),
        };
        File.WriteAllText(Path.Combine(dir, $"{name}.json"), json.ToJsonString());
        File.WriteAllBytes(Path.Combine(dir, $"{name}.bin"), _data.ToArray());
        return Path.Combine(dir, $"{name}.json");
    }
}
