using System.Text.Json;

namespace PoseLive.Models.TfJs;

/// <summary>A TF.js / TensorFlow data type (DT_*), as PoseLive handles it.</summary>
public enum TfDataType { Float, Int32, Bool, Int64, UInt8 }

/// <summary>A constant (weight) of a TF.js graph model, dequantised: float data for floats, int data for integers.</summary>
public sealed record TfConstant(string Name, TfDataType Type, int[] Shape, float[]? Floats, int[]? Ints)
{
    public int Count => Shape.Aggregate(1, (a, b) => a * b);
    public float Scalar => Floats is not null ? Floats[0] : Ints![0];
}

/// <summary>One node of the GraphDef topology: op, inputs (tensor references) and raw attributes.</summary>
public sealed record TfNode(string Name, string Op, string[] Inputs, IReadOnlyDictionary<string, JsonElement> Attributes)
{
    public bool Has(string attribute) => Attributes.ContainsKey(attribute);

    public long Int(string attribute, long fallback = 0) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("i", out var i) ? long.Parse(i.GetString() ?? i.GetRawText().Trim('"'), System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public bool Bool(string attribute, bool fallback = false) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("b", out var b) ? b.GetBoolean() : fallback;

    public float Float(string attribute, float fallback = 0) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("f", out var f) ? (float)f.GetDouble() : fallback;

    /// <summary>A string attribute (TF.js stores them base64-encoded).</summary>
    public string? String(string attribute) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("s", out var s) ? System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s.GetString()!)) : null;

    public long[] Ints(string attribute) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("list", out var l) && l.TryGetProperty("i", out var i)
            ? i.EnumerateArray().Select(v => long.Parse(v.GetString() ?? v.GetRawText(), System.Globalization.CultureInfo.InvariantCulture)).ToArray()
            : [];

    public string[] Strings(string attribute) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("list", out var l) && l.TryGetProperty("s", out var s)
            ? s.EnumerateArray().Select(v => System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(v.GetString()!))).ToArray()
            : [];

    public string? Type(string attribute) =>
        Attributes.TryGetValue(attribute, out var a) && a.TryGetProperty("type", out var t) ? t.GetString() : null;

    public long[]? Shape(string attribute)
    {
        if (!Attributes.TryGetValue(attribute, out var a) || !a.TryGetProperty("shape", out var s)) return null;
        if (!s.TryGetProperty("dim", out var dims)) return [];
        return dims.EnumerateArray().Select(d => d.TryGetProperty("size", out var v) ? long.Parse(v.GetString() ?? v.GetRawText(), System.Globalization.CultureInfo.InvariantCulture) : -1).ToArray();
    }

    /// <summary>Data inputs (control dependencies "^name" dropped).</summary>
    public IEnumerable<string> DataInputs => Inputs.Where(i => !i.StartsWith('^'));

    public override string ToString() => $"{Op} '{Name}'";
}

/// <summary>A TF.js graph model: topology (nodes in file order), constants, and the signature's inputs/outputs.</summary>
public sealed class TfJsGraph
{
    public required string Source { get; init; }
    public required IReadOnlyList<TfNode> Nodes { get; init; }
    public required IReadOnlyDictionary<string, TfNode> NodesByName { get; init; }
    public required IReadOnlyDictionary<string, TfConstant> Constants { get; init; }
    public string? ConvertedFrom { get; init; }
}
