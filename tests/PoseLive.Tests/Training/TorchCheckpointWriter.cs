using System.IO.Compression;
using System.Text;

namespace PoseLive.Tests.Training;

/// <summary>
/// Writes `torch.save`-format zip checkpoints byte by byte, as PyTorch lays them out (protocol-2 pickle of an
/// OrderedDict, persistent ids for storages, `_rebuild_tensor_v2`, a trailing BUILD of `_metadata`), so reader
/// tests can control every view detail. Test-only: the product never writes pickles.
/// </summary>
internal sealed class TorchCheckpointWriter
{
    private readonly MemoryStream _pickle = new();
    private readonly List<(string Key, byte[] Bytes)> _storages = [];

    public TorchCheckpointWriter() { Op(0x80); Op(2); }

    public void Op(params byte[] bytes) => _pickle.Write(bytes);
    public void Global(string module, string name) { Op((byte)'c'); Op(Encoding.ASCII.GetBytes($"{module}\n{name}\n")); }
    public void Str(string s) { var b = Encoding.UTF8.GetBytes(s); Op((byte)'X'); Op(BitConverter.GetBytes(b.Length)); Op(b); }
    public void Int(long v)
    {
        if (v is >= 0 and < 256) Op((byte)'K', (byte)v);
        else if (v is >= 0 and < 65536) { Op((byte)'M'); Op(BitConverter.GetBytes((ushort)v)); }
        else { Op((byte)'J'); Op(BitConverter.GetBytes(checked((int)v))); }
    }
    public void Tuple(IEnumerable<long> values) { Op((byte)'('); foreach (var v in values) Int(v); Op((byte)'t'); }

    public void AddStorage(string key, byte[] bytes) => _storages.Add((key, bytes));

    /// <summary>Emits `name: _rebuild_tensor_v2(storage(type, key, count), offset, size, stride, False, OrderedDict())`.</summary>
    public void Tensor(string name, string storageType, string key, long count, long offset, long[] size, long[] stride)
    {
        Str(name);
        Global("torch._utils", "_rebuild_tensor_v2");
        Op((byte)'(');
        Op((byte)'('); Str("storage"); Global("torch", storageType); Str(key); Str("cpu"); Int(count); Op((byte)'t'); Op((byte)'Q');
        Int(offset); Tuple(size); Tuple(stride); Op(0x89);
        Global("collections", "OrderedDict"); Op((byte)')'); Op((byte)'R');
        Op((byte)'t'); Op((byte)'R');
    }

    public void BeginOrderedDict() { Global("collections", "OrderedDict"); Op((byte)')'); Op((byte)'R'); Op((byte)'q', 0); Op((byte)'('); }

    /// <summary>Closes the SETITEMS and attaches `_metadata` through BUILD, as torch does.</summary>
    public void EndOrderedDict()
    {
        Op((byte)'u');
        Op((byte)'}'); Str("_metadata"); Global("collections", "OrderedDict"); Op((byte)')'); Op((byte)'R');
        Op((byte)'('); Str(""); Op((byte)'}'); Str("version"); Int(1); Op((byte)'s'); Op((byte)'u'); Op((byte)'s');
        Op((byte)'b');
    }

    public void Stop() => Op((byte)'.');

    public void Save(string path, string prefix = "archive/")
    {
        using var fs = File.Create(path);
        using var zip = new ZipArchive(fs, ZipArchiveMode.Create);
        void Entry(string name, byte[] data) { using var s = zip.CreateEntry(prefix + name, CompressionLevel.NoCompression).Open(); s.Write(data); }
        Entry("data.pkl", _pickle.ToArray());
        foreach (var (key, bytes) in _storages) Entry("data/" + key, bytes);
        Entry("version", "3\n"u8.ToArray());
    }
}
