using System.Text.Json;

namespace PoseLive.Coco;

/// <summary>Typed, validated field access on one JSON element; every error names the file and the element.</summary>
internal sealed class JsonFields(JsonElement element, string file, string where)
{
    public string Where => where;

    public CocoFormatException Error(string problem) => new($"{file}: {where}: {problem}");

    public bool Has(string name) => element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    private JsonElement Get(string name) =>
        element.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : throw Error($"missing field '{name}'");

    public long Long(string name)
    {
        var v = Get(name);
        if (v.ValueKind != JsonValueKind.Number) throw Error($"'{name}' must be an integer, got {Describe(v)}");
        if (v.TryGetInt64(out var l)) return l;
        if (v.TryGetDouble(out var d) && d == Math.Floor(d) && Math.Abs(d) < 9e15) return (long)d;
        throw Error($"'{name}' must be an integer, got {Raw(v)}");
    }

    public int Int(string name)
    {
        long v = Long(name);
        return v is >= int.MinValue and <= int.MaxValue ? (int)v : throw Error($"'{name}' is out of range ({v})");
    }

    public double Double(string name)
    {
        var v = Get(name);
        if (v.ValueKind != JsonValueKind.Number) throw Error($"'{name}' must be a number, got {Describe(v)}");
        double d = v.GetDouble();
        if (!double.IsFinite(d)) throw Error($"'{name}' is not finite");
        return d;
    }

    public string String(string name)
    {
        var v = Get(name);
        return v.ValueKind == JsonValueKind.String ? Text(v, $"'{name}'") : throw Error($"'{name}' must be a string, got {Describe(v)}");
    }

    /// <summary>A JSON string's text; an invalid escape or UTF-8 sequence is a format error, not a crash.</summary>
    private string Text(JsonElement v, string what)
    {
        try { return v.GetString()!; }
        catch (InvalidOperationException) { throw Error($"{what} is not valid text (bad escape or UTF-8)"); }
    }

    public bool Flag(string name)
    {
        var v = Get(name);
        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetInt32(out var i) && (i == 0 || i == 1) => i == 1,
            _ => throw Error($"'{name}' must be 0, 1, true or false, got {Raw(v)}"),
        };
    }

    /// <summary>An array of finite numbers, optionally of an exact length.</summary>
    public float[] Numbers(string name, int? length = null, string? lengthReason = null)
    {
        var v = Get(name);
        if (v.ValueKind != JsonValueKind.Array) throw Error($"'{name}' must be an array of numbers, got {Describe(v)}");
        int n = v.GetArrayLength();
        if (length is int expected && n != expected)
            throw Error($"'{name}' has {n} values, expected {expected}{(lengthReason is null ? "" : $" ({lengthReason})")}");
        var result = new float[n];
        int i = 0;
        foreach (var item in v.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number) throw Error($"{name}[{i}] must be a number, got {Describe(item)}");
            double d = item.GetDouble();
            if (!double.IsFinite(d) || Math.Abs(d) > float.MaxValue) throw Error($"{name}[{i}] is not a finite number");
            result[i++] = (float)d;
        }
        return result;
    }

    public string[] Strings(string name)
    {
        var v = Get(name);
        if (v.ValueKind != JsonValueKind.Array) throw Error($"'{name}' must be an array of strings, got {Describe(v)}");
        return v.EnumerateArray().Select((s, i) => s.ValueKind == JsonValueKind.String ? Text(s, $"{name}[{i}]") : throw Error($"{name}[{i}] must be a string")).ToArray();
    }

    public int[][] Pairs(string name)
    {
        var v = Get(name);
        if (v.ValueKind != JsonValueKind.Array) throw Error($"'{name}' must be an array of [a, b] pairs");
        return v.EnumerateArray().Select((p, i) =>
        {
            if (p.ValueKind != JsonValueKind.Array || p.GetArrayLength() != 2 || p.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.Number || !x.TryGetInt32(out _)))
                throw Error($"{name}[{i}] must be a pair of integers");
            return p.EnumerateArray().Select(x => x.GetInt32()).ToArray();
        }).ToArray();
    }

    private static string Describe(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String => $"string {Raw(v)}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.True or JsonValueKind.False => v.GetRawText(),
        _ => Raw(v),
    };

    /// <summary>The value's JSON text, or a stand-in when it does not decode as UTF-8.</summary>
    private static string Raw(JsonElement v)
    {
        try { return v.GetRawText(); }
        catch (InvalidOperationException) { return "(text that is not valid UTF-8)"; }
    }
}
