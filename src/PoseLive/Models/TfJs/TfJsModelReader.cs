using System.Text.Json;

namespace PoseLive.Models.TfJs;

/// <summary>A TF.js model or its weights are malformed; the message names the file and the problem.</summary>
public sealed class TfJsFormatException(string message) : Exception(message);

/// <summary>
/// Reads a TF.js graph model: model.json (GraphDef topology + weights manifest) and its binary weight
/// shards, concatenated in manifest order. Quantised weights are dequantised: float16 → float32,
/// uint8/uint16 affine (q·scale + min). A shard shorter than the manifest says is an error naming it.
/// </summary>
public static class TfJsModelReader
{
    public static TfJsGraph Read(string modelJsonPath)
    {
        try
        {
            return ReadUnchecked(modelJsonPath);
        }
        catch (Exception e) when (e is KeyNotFoundException or InvalidOperationException or FormatException or OverflowException or ArgumentException or IndexOutOfRangeException)
        {
            // JsonElement's accessors throw these for a missing field or a value of the wrong JSON type
            var what = e switch
            {
                KeyNotFoundException => "a required field is missing",
                OverflowException => "a number is out of range",
                IndexOutOfRangeException => "a weight's size does not match its data",
                FormatException => "a number is not of the expected kind",
                _ => "a field has the wrong JSON type or an invalid value",
            };
            throw new TfJsFormatException($"{modelJsonPath}: malformed TF.js model: {what}");
        }
    }

    private static TfJsGraph ReadUnchecked(string modelJsonPath)
    {
        if (!File.Exists(modelJsonPath)) throw new FileNotFoundException($"TF.js model '{modelJsonPath}' does not exist.", modelJsonPath);
        JsonDocument doc;
        try { doc = JsonDocument.Parse(File.ReadAllBytes(modelJsonPath)); }
        catch (JsonException e) { throw new TfJsFormatException($"{modelJsonPath}: not valid JSON ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("modelTopology", out var topology) || !topology.TryGetProperty("node", out var nodeArray))
                throw new TfJsFormatException($"{modelJsonPath}: not a TF.js graph model (no modelTopology.node)");
            if (!root.TryGetProperty("weightsManifest", out var manifest) || manifest.ValueKind != JsonValueKind.Array)
                throw new TfJsFormatException($"{modelJsonPath}: no weightsManifest");

            var nodes = new List<TfNode>();
            foreach (var n in nodeArray.EnumerateArray())
            {
                var name = n.GetProperty("name").GetString()!;
                var op = n.GetProperty("op").GetString()!;
                var inputs = n.TryGetProperty("input", out var inp) ? inp.EnumerateArray().Select(i => i.GetString()!).ToArray() : [];
                var attrs = n.TryGetProperty("attr", out var at) ? at.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()) : [];
                nodes.Add(new TfNode(name, op, inputs, attrs));
            }
            var byName = new Dictionary<string, TfNode>(StringComparer.Ordinal);
            foreach (var n in nodes)
                if (!byName.TryAdd(n.Name, n)) throw new TfJsFormatException($"{modelJsonPath}: duplicate node name '{n.Name}'");

            var dir = Path.GetDirectoryName(Path.GetFullPath(modelJsonPath))!;
            var constants = new Dictionary<string, TfConstant>(StringComparer.Ordinal);
            foreach (var group in manifest.EnumerateArray())
            {
                var paths = group.GetProperty("paths").EnumerateArray().Select(p => Path.GetFullPath(Path.Combine(dir, p.GetString()!))).ToArray();
                foreach (var p in paths)
                    if (!p.StartsWith(dir + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                        throw new TfJsFormatException($"{modelJsonPath}: weight file '{p}' is outside the model's folder");
                using var data = new ShardStream(paths, modelJsonPath);
                foreach (var w in group.GetProperty("weights").EnumerateArray())
                {
                    var c = ReadWeight(w, data, modelJsonPath);
                    constants[c.Name] = c;
                }
                data.EnsureFullyRead();
            }
            string? from = root.TryGetProperty("generatedBy", out var g) ? g.GetString() : null;
            return new TfJsGraph { Source = modelJsonPath, Nodes = nodes, NodesByName = byName, Constants = constants, ConvertedFrom = from };
        }
    }

    private static TfConstant ReadWeight(JsonElement w, ShardStream data, string file)
    {
        var name = w.GetProperty("name").GetString()!;
        var shape = w.GetProperty("shape").EnumerateArray().Select(d => d.GetInt32()).ToArray();
        int count = shape.Aggregate(1, (a, b) => checked(a * b));
        var dtype = w.GetProperty("dtype").GetString();
        string? quantized = null;
        float scale = 1, min = 0;
        if (w.TryGetProperty("quantization", out var q))
        {
            quantized = q.GetProperty("dtype").GetString();
            if (q.TryGetProperty("scale", out var s)) scale = (float)s.GetDouble();
            if (q.TryGetProperty("min", out var m)) min = (float)m.GetDouble();
        }
        switch (dtype)
        {
            case "float32":
                var f = new float[count];
                switch (quantized)
                {
                    case null: data.Read(f.AsSpan(), name); break;
                    case "float16":
                        var h = new Half[count];
                        data.Read(h.AsSpan(), name);
                        for (int i = 0; i < count; i++) f[i] = (float)h[i];
                        break;
                    case "uint8":
                        var b = new byte[count];
                        data.Read(b.AsSpan(), name);
                        for (int i = 0; i < count; i++) f[i] = b[i] * scale + min;
                        break;
                    case "uint16":
                        var u = new ushort[count];
                        data.Read(u.AsSpan(), name);
                        for (int i = 0; i < count; i++) f[i] = u[i] * scale + min;
                        break;
                    default: throw new TfJsFormatException($"{file}: weight '{name}' has unsupported quantisation '{quantized}'");
                }
                return new TfConstant(name, TfDataType.Float, shape, f, null);
            case "int32":
                if (quantized is not null) throw new TfJsFormatException($"{file}: weight '{name}': quantised int32 is not supported");
                var ints = new int[count];
                data.Read(ints.AsSpan(), name);
                return new TfConstant(name, TfDataType.Int32, shape, null, ints);
            case "bool":
                var bools = new byte[count];
                data.Read(bools.AsSpan(), name);
                return new TfConstant(name, TfDataType.Bool, shape, null, bools.Select(v => (int)v).ToArray());
            default:
                throw new TfJsFormatException($"{file}: weight '{name}' has unsupported dtype '{dtype}'");
        }
    }

    /// <summary>The concatenation of a group's shard files, read sequentially.</summary>
    private sealed class ShardStream(string[] paths, string file) : IDisposable
    {
        private int _index = -1;
        private FileStream? _current;

        public void Read<T>(Span<T> destination, string weight) where T : unmanaged
        {
            var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(destination);
            while (bytes.Length > 0)
            {
                if (_current is null || _current.Position == _current.Length)
                {
                    _current?.Dispose();
                    if (++_index >= paths.Length)
                        throw new TfJsFormatException($"{file}: weight shards end before weight '{weight}' is complete (truncated {Path.GetFileName(paths[^1])}?)");
                    if (!File.Exists(paths[_index])) throw new TfJsFormatException($"{file}: weight shard '{paths[_index]}' is missing");
                    _current = File.OpenRead(paths[_index]);
                }
                int n = _current.Read(bytes);
                bytes = bytes[n..];
            }
        }

        public void EnsureFullyRead()
        {
            bool more = (_current is not null && _current.Position < _current.Length) ||
                paths.Skip(_index + 1).Any(p => File.Exists(p) && new FileInfo(p).Length > 0);
            if (more) throw new TfJsFormatException($"{file}: weight shards hold more bytes than the manifest describes (wrong or corrupt shard?)");
        }

        public void Dispose() => _current?.Dispose();
    }
}
