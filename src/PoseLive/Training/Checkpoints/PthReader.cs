using System.IO.Compression;
using System.Runtime.InteropServices;

namespace PoseLive.Training.Checkpoints;

/// <summary>
/// Reads PyTorch checkpoints (`torch.save` zip format: ARCHIVE/data.pkl + ARCHIVE/data/KEY storages) as an
/// ordered list of named tensors, through <see cref="RestrictedUnpickler"/>: a file whose pickle references
/// anything but tensor rebuilds and plain containers is rejected with an error naming the reference.
/// A state_dict nested under "state_dict" or "model" (training checkpoints) is found too.
/// </summary>
public static class PthReader
{
    public static IReadOnlyList<CheckpointTensor> Read(string path) => Load(path, root =>
    {
        var dict = FindStateDict(root) ?? throw new CheckpointFormatException($"{path}: the pickle does not hold a state_dict (a dict of tensors)");
        var result = new List<CheckpointTensor>();
        foreach (var (k, v) in dict)
        {
            if (v is not RestrictedUnpickler.LoadedView view) continue; // non-tensor entries (e.g. epoch numbers) are skipped
            result.Add(Materialise(k.ToString()!, view, path));
        }
        return (IReadOnlyList<CheckpointTensor>)result;
    });

    /// <summary>
    /// The whole pickled tree of a checkpoint (training checkpoints: state_dict, optimiser, epoch, …): dictionaries as
    /// Dictionary&lt;object, object?&gt;, lists and tuples, numbers (long, double), strings, and tensors as
    /// <see cref="CheckpointTensor"/> named by their path (e.g. "optimizer.state.3.exp_avg").
    /// </summary>
    public static object? ReadTree(string path) => Load(path, root => MaterialiseTree(root, "", path));

    /// <summary>Opens the zip, unpickles data.pkl with storages loaded on demand, and hands the root to <paramref name="use"/>.</summary>
    private static T Load<T>(string path, Func<object, T> use)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint '{path}' does not exist.", path);
        ZipArchive zip;
        try { zip = ZipFile.OpenRead(path); }
        catch (InvalidDataException e) { throw new CheckpointFormatException($"{path}: not a PyTorch zip checkpoint ({e.Message}); the legacy pre-1.6 format is not supported"); }
        using (zip)
        try
        {
            var pkl = zip.Entries.FirstOrDefault(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal) || e.FullName == "data.pkl")
                ?? throw new CheckpointFormatException($"{path}: no data.pkl in the archive");
            string prefix = pkl.FullName[..^"data.pkl".Length];
            var storages = new Dictionary<string, Array>();
            var root = RestrictedUnpickler.Load(ReadAll(pkl, path), path, (type, key, count) =>
            {
                if (storages.TryGetValue(key, out var existing)) return existing;
                var entry = zip.GetEntry($"{prefix}data/{key}") ?? throw new CheckpointFormatException($"{path}: storage data/{key} is missing");
                return storages[key] = ToArray(type, ReadAll(entry, path), count, path, key);
            });
            return use(root);
        }
        catch (InvalidDataException e)
        {
            throw new CheckpointFormatException($"{path}: the zip archive is corrupt ({e.Message})");
        }
    }

    private static object? MaterialiseTree(object? node, string name, string path) => node switch
    {
        RestrictedUnpickler.LoadedView view => Materialise(name, view, path),
        Dictionary<object, object?> d => d.ToDictionary(p => p.Key, p => MaterialiseTree(p.Value, name.Length == 0 ? $"{p.Key}" : $"{name}.{p.Key}", path)),
        List<object?> l => l.Select((v, i) => MaterialiseTree(v, $"{name}.{i}", path)).ToList(),
        object?[] t => t.Select((v, i) => MaterialiseTree(v, $"{name}.{i}", path)).ToArray(),
        _ => node,
    };

    private static Dictionary<object, object?>? FindStateDict(object root)
    {
        if (root is not Dictionary<object, object?> d) return null;
        if (d.Values.Any(v => v is RestrictedUnpickler.LoadedView)) return d;
        foreach (var key in new[] { "state_dict", "model" })
            if (d.TryGetValue(key, out var inner) && FindStateDict(inner!) is { } found) return found;
        return null;
    }

    private static byte[] ReadAll(ZipArchiveEntry entry, string path)
    {
        try
        {
            if (entry.Length is < 0 or > int.MaxValue) throw new CheckpointFormatException($"{path}: {entry.FullName} claims {entry.Length} bytes");
            using var s = entry.Open();
            using var ms = new MemoryStream((int)Math.Min(entry.Length, 1 << 26)); // grows past 64 MiB only with real data
            s.CopyTo(ms);
            if (ms.Length != entry.Length) throw new CheckpointFormatException($"{path}: {entry.FullName} is truncated");
            return ms.ToArray();
        }
        catch (InvalidDataException e) { throw new CheckpointFormatException($"{path}: {entry.FullName} is corrupt ({e.Message})"); }
    }

    private static Array ToArray(string type, byte[] bytes, long count, string path, string key)
    {
        int size = type switch
        {
            "torch.FloatStorage" or "torch.IntStorage" => 4, "torch.DoubleStorage" or "torch.LongStorage" => 8,
            "torch.HalfStorage" => 2, "torch.ByteStorage" or "torch.BoolStorage" => 1, _ => 0,
        };
        if (size == 0 || bytes.Length != count * size)
            throw new CheckpointFormatException($"{path}: storage data/{key} holds {bytes.Length} bytes, {type} × {count} needs {count * size}");
        return type switch
        {
            "torch.FloatStorage" => MemoryMarshal.Cast<byte, float>(bytes).ToArray(),
            "torch.DoubleStorage" => MemoryMarshal.Cast<byte, double>(bytes).ToArray(),
            "torch.HalfStorage" => MemoryMarshal.Cast<byte, Half>(bytes).ToArray(),
            "torch.LongStorage" => MemoryMarshal.Cast<byte, long>(bytes).ToArray(),
            "torch.IntStorage" => MemoryMarshal.Cast<byte, int>(bytes).ToArray(),
            "torch.ByteStorage" => bytes,
            _ => bytes.Select(b => b != 0).ToArray(),
        };
    }

    private static CheckpointTensor Materialise(string name, RestrictedUnpickler.LoadedView view, string path)
    {
        var storage = (Array)view.Storage;
        var dtype = storage switch
        {
            float[] => CheckpointDType.Float32, double[] => CheckpointDType.Float64, Half[] => CheckpointDType.Float16, long[] => CheckpointDType.Int64,
            int[] => CheckpointDType.Int32, byte[] => CheckpointDType.UInt8, _ => CheckpointDType.Bool,
        };
        long count = view.Size.Aggregate(1L, (a, b) => a * b);
        var data = Array.CreateInstance(storage.GetType().GetElementType()!, count);
        if (count == 0) return new CheckpointTensor(name, dtype, view.Size, data);
        long lastRead = view.Offset + view.Size.Select((s, d) => (s - 1) * view.Stride[d]).Sum();
        if (view.Offset < 0 || lastRead >= storage.LongLength || view.Stride.Any(s => s < 0))
            throw new CheckpointFormatException($"{path}: tensor '{name}' reads outside its storage");
        if (IsRowMajor(view.Size, view.Stride))
        {
            Array.Copy(storage, view.Offset, data, 0, count);
            return new CheckpointTensor(name, dtype, view.Size, data);
        }
        var index = new long[view.Size.Length];
        for (long i = 0; i < count; i++)
        {
            long src = view.Offset;
            for (int d = 0; d < index.Length; d++) src += index[d] * view.Stride[d];
            data.SetValue(storage.GetValue(src), i);
            for (int d = index.Length - 1; d >= 0; d--) { if (++index[d] < view.Size[d]) break; index[d] = 0; }
        }
        return new CheckpointTensor(name, dtype, view.Size, data);
    }

    private static bool IsRowMajor(long[] size, long[] stride)
    {
        long expected = 1;
        for (int d = size.Length - 1; d >= 0; d--)
        {
            if (size[d] != 1 && stride[d] != expected) return false;
            expected *= size[d];
        }
        return true;
    }
}
