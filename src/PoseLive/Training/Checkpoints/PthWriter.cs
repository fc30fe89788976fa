using System.IO.Compression;
using System.Runtime.InteropServices;
using System.Text;

namespace PoseLive.Training.Checkpoints;

/// <summary>
/// Writes named tensors as a PyTorch state_dict file in `torch.save`'s zip format (ARCHIVE/data.pkl, a
/// protocol-2 pickle of a collections.OrderedDict of `torch._utils._rebuild_tensor_v2` calls over persistent
/// storages; ARCHIVE/data/KEY raw little-endian storages; ARCHIVE/version), so `torch.load` and
/// <see cref="PthReader"/> both read it. Only the opcodes PthReader accepts are emitted. The file is written
/// atomically (temporary file, then rename).
/// </summary>
public static class PthWriter
{
    public static void Write(string path, IEnumerable<CheckpointTensor> tensors, string archive = "archive") =>
        WriteTree(path, new StateDict(tensors.ToList()), archive);

    /// <summary>
    /// Writes a tree of values as `torch.save` would: <see cref="StateDict"/> (an OrderedDict of tensors), string-keyed
    /// or int-keyed dictionaries (<see cref="System.Collections.IDictionary"/>, in their enumeration order), lists, a
    /// <see cref="CheckpointTensor"/> anywhere, strings, integers, doubles, booleans and null.
    /// </summary>
    public static void WriteTree(string path, object root, string archive = "archive")
    {
        var storages = new List<CheckpointTensor>();
        var pickle = new PickleBuilder();
        Emit(pickle, root, storages);
        pickle.Stop();

        var temporary = IO.AtomicFile.TemporaryPathFor(path);
        try
        {
            using (var file = File.Create(temporary))
            using (var zip = new ZipArchive(file, ZipArchiveMode.Create))
            {
                Entry(zip, $"{archive}/data.pkl", pickle.ToArray());
                for (int i = 0; i < storages.Count; i++) Entry(zip, $"{archive}/data/{i}", Bytes(storages[i].Data));
                Entry(zip, $"{archive}/version", "3\n"u8);
            }
            IO.AtomicFile.Commit(temporary, path);
        }
        catch
        {
            IO.AtomicFile.Abandon(temporary);
            throw;
        }
    }

    /// <summary>Named tensors written as a collections.OrderedDict (a module's state_dict).</summary>
    public sealed record StateDict(IReadOnlyList<CheckpointTensor> Tensors);

    private static void Emit(PickleBuilder pickle, object? value, List<CheckpointTensor> storages)
    {
        switch (value)
        {
            case null: pickle.None(); break;
            case StateDict sd:
                {
                    var duplicate = sd.Tensors.GroupBy(t => t.Name).FirstOrDefault(g => g.Count() > 1);
                    if (duplicate is not null) throw new ArgumentException($"tensor name '{duplicate.Key}' appears twice");
                    pickle.Global("collections", "OrderedDict").EmptyTuple().Reduce();
                    if (sd.Tensors.Count == 0) break;
                    pickle.Mark();
                    foreach (var t in sd.Tensors) { pickle.Str(t.Name); Emit(pickle, t, storages); }
                    pickle.SetItems();
                    break;
                }
            case CheckpointTensor t:
                {
                    if (t.Data.Length != t.ElementCount)
                        throw new ArgumentException($"'{t.Name}': shape [{string.Join(", ", t.Shape)}] holds {t.ElementCount} values but {t.Data.Length} were given");
                    int key = storages.Count;
                    storages.Add(t);
                    pickle.Global("torch._utils", "_rebuild_tensor_v2").Mark();
                    pickle.Mark().Str("storage").Global("torch", StorageClass(t.DType)).Str(key.ToString(System.Globalization.CultureInfo.InvariantCulture))
                        .Str("cpu").Int(t.ElementCount).Tuple().PersistentId();
                    pickle.Int(0).Ints(t.Shape).Ints(ContiguousStrides(t.Shape)).False();
                    pickle.Global("collections", "OrderedDict").EmptyTuple().Reduce();
                    pickle.Tuple().Reduce();
                    break;
                }
            case string str: pickle.Str(str); break;
            case bool b: if (b) pickle.True(); else pickle.False(); break;
            case int i: pickle.Int(i); break;
            case long l: pickle.Int(l); break;
            case double d: pickle.Float(d); break;
            case float f: pickle.Float(f); break;
            case System.Collections.IDictionary dict:
                pickle.EmptyDict();
                if (dict.Count == 0) break;
                pickle.Mark();
                foreach (System.Collections.DictionaryEntry e in dict) { Emit(pickle, e.Key, storages); Emit(pickle, e.Value, storages); }
                pickle.SetItems();
                break;
            case System.Collections.IEnumerable list:
                pickle.EmptyList();
                pickle.Mark();
                foreach (var item in list) Emit(pickle, item, storages);
                pickle.Appends();
                break;
            default: throw new ArgumentException($"cannot store a {value.GetType().Name} in a checkpoint");
        }
    }

    private static void Entry(ZipArchive zip, string name, ReadOnlySpan<byte> data)
    {
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(data);
    }

    private static ReadOnlySpan<byte> Bytes(Array data) => data switch
    {
        float[] f => MemoryMarshal.AsBytes(f.AsSpan()),
        double[] d => MemoryMarshal.AsBytes(d.AsSpan()),
        Half[] h => MemoryMarshal.AsBytes(h.AsSpan()),
        long[] l => MemoryMarshal.AsBytes(l.AsSpan()),
        int[] i => MemoryMarshal.AsBytes(i.AsSpan()),
        byte[] b => b,
        bool[] b => MemoryMarshal.AsBytes(b.AsSpan()),
        _ => throw new ArgumentException($"cannot store {data.GetType().Name} in a checkpoint"),
    };

    private static string StorageClass(CheckpointDType type) => type switch
    {
        CheckpointDType.Float32 => "FloatStorage",
        CheckpointDType.Float64 => "DoubleStorage",
        CheckpointDType.Float16 => "HalfStorage",
        CheckpointDType.Int64 => "LongStorage",
        CheckpointDType.Int32 => "IntStorage",
        CheckpointDType.UInt8 => "ByteStorage",
        CheckpointDType.Bool => "BoolStorage",
        _ => throw new ArgumentOutOfRangeException(nameof(type)),
    };

    private static long[] ContiguousStrides(long[] shape)
    {
        var strides = new long[shape.Length];
        long s = 1;
        for (int d = shape.Length - 1; d >= 0; d--) { strides[d] = s; s *= shape[d]; }
        return strides;
    }

    /// <summary>The few pickle opcodes a checkpoint needs (protocol 2, no memo).</summary>
    private sealed class PickleBuilder
    {
        private readonly MemoryStream _s = new();

        public PickleBuilder() => Op(0x80, 2); // PROTO 2

        private PickleBuilder Op(params byte[] bytes) { _s.Write(bytes); return this; }

        public PickleBuilder Global(string module, string name)
        {
            Op((byte)'c');
            _s.Write(Encoding.ASCII.GetBytes($"{module}\n{name}\n"));
            return this;
        }

        public PickleBuilder Str(string value)
        {
            var b = Encoding.UTF8.GetBytes(value);
            Op((byte)'X');
            _s.Write(BitConverter.GetBytes(b.Length));
            _s.Write(b);
            return this;
        }

        public PickleBuilder Int(long v)
        {
            if (v is >= 0 and < 256) return Op((byte)'K', (byte)v);
            if (v is >= 0 and < 65536) { Op((byte)'M'); _s.Write(BitConverter.GetBytes((ushort)v)); return this; }
            if (v is >= int.MinValue and <= int.MaxValue) { Op((byte)'J'); _s.Write(BitConverter.GetBytes((int)v)); return this; }
            Op(0x8a, 8); // LONG1, 8 bytes two's complement little-endian
            _s.Write(BitConverter.GetBytes(v));
            return this;
        }

        public PickleBuilder Ints(long[] values)
        {
            Mark();
            foreach (var v in values) Int(v);
            return Tuple();
        }

        public PickleBuilder Mark() => Op((byte)'(');
        public PickleBuilder Tuple() => Op((byte)'t');
        public PickleBuilder EmptyTuple() => Op((byte)')');
        public PickleBuilder Reduce() => Op((byte)'R');
        public PickleBuilder PersistentId() => Op((byte)'Q');
        public PickleBuilder False() => Op(0x89);
        public PickleBuilder True() => Op(0x88);
        public PickleBuilder None() => Op((byte)'N');
        public PickleBuilder EmptyDict() => Op((byte)'}');
        public PickleBuilder EmptyList() => Op((byte)']');
        public PickleBuilder Appends() => Op((byte)'e');

        /// <summary>BINFLOAT: 8-byte big-endian IEEE double.</summary>
        public PickleBuilder Float(double v)
        {
            Op((byte)'G');
            var b = BitConverter.GetBytes(v);
            if (BitConverter.IsLittleEndian) Array.Reverse(b);
            _s.Write(b);
            return this;
        }
        public PickleBuilder SetItems() => Op((byte)'u');
        public PickleBuilder Stop() => Op((byte)'.');
        public byte[] ToArray() => _s.ToArray();
    }
}
