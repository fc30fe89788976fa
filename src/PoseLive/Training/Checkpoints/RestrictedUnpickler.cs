using System.Text;

namespace PoseLive.Training.Checkpoints;

/// <summary>
/// A pickle interpreter that understands only what a PyTorch state_dict needs — containers (dict,
/// OrderedDict, list, tuple), scalars, strings, persistent ids for storages, and the tensor rebuild
/// functions — and rejects every other global with an error naming it. Nothing is ever executed:
/// "calling" an allowed global builds a container or a tensor view in C#.
/// </summary>
internal sealed class RestrictedUnpickler
{
    /// <summary>The only globals a checkpoint may reference.</summary>
    private static readonly HashSet<string> Allowed =
    [
        "collections.OrderedDict", "torch._utils._rebuild_tensor_v2", "torch._utils._rebuild_parameter",
        "torch.FloatStorage", "torch.DoubleStorage", "torch.HalfStorage", "torch.LongStorage", "torch.IntStorage", "torch.ByteStorage", "torch.BoolStorage",
    ];

    private sealed record Global(string Name);
    private sealed record Mark;
    private sealed record StorageRef(string TypeName, string Key, long Count);

    private readonly byte[] _data;
    private readonly string _file;
    private readonly Func<StorageRef, object> _persistentLoad;
    private int _pos;

    private RestrictedUnpickler(byte[] data, string file, Func<StorageRef, object> persistentLoad)
    {
        _data = data;
        _file = file;
        _persistentLoad = persistentLoad;
    }

    /// <summary>Interprets a state_dict pickle; storages are resolved by <paramref name="loadStorage"/>(type, key, count).</summary>
    public static object Load(byte[] pickle, string file, Func<string, string, long, object> loadStorage)
    {
        var unpickler = new RestrictedUnpickler(pickle, file, s => loadStorage(s.TypeName, s.Key, s.Count));
        try
        {
            return unpickler.Run();
        }
        catch (Exception e) when (e is InvalidCastException or ArgumentOutOfRangeException or IndexOutOfRangeException or KeyNotFoundException
                                     or OverflowException or ArgumentException or InvalidOperationException or FormatException or NullReferenceException
                                  && e is not CheckpointFormatException)
        {
            // a stack underflow, an argument of the wrong type for an opcode, a memo slot never set: not what torch.save writes
            var what = e switch
            {
                InvalidCastException or NullReferenceException => "an opcode's argument has the wrong type",
                FormatException => "a number argument is not a number",
                ArgumentOutOfRangeException or IndexOutOfRangeException => "an opcode reads past the stack or the data",
                KeyNotFoundException => "a memo entry is used before it is stored",
                _ => "an opcode's argument is invalid",
            };
            throw unpickler.Error($"malformed pickle: {what}");
        }
    }

    private CheckpointFormatException Error(string problem) => new($"{_file}: pickle byte {_pos}: {problem}");

    private object Run()
    {
        var stack = new List<object?>();
        var memo = new Dictionary<long, object?>();
        object? Pop() { var v = stack[^1]; stack.RemoveAt(stack.Count - 1); return v; }
        List<object?> PopToMark()
        {
            int m = stack.FindLastIndex(v => v is Mark);
            if (m < 0) throw Error("no MARK on the stack");
            var items = stack.GetRange(m + 1, stack.Count - m - 1);
            stack.RemoveRange(m, stack.Count - m);
            return items;
        }
        while (true)
        {
            if (_pos >= _data.Length) throw Error("the pickle ends without STOP (truncated?)");
            byte op = _data[_pos++];
            switch (op)
            {
                case 0x80: _pos++; break;                                          // PROTO
                case 0x95: _pos += 8; break;                                       // FRAME
                case (byte)'.': return stack.Count == 1 ? stack[0]! : throw Error("STOP with an unbalanced stack");
                case (byte)'c':                                                   // GLOBAL module\nname\n
                    {
                        var module = ReadLine();
                        var name = ReadLine();
                        var full = $"{module}.{name}";
                        if (!Allowed.Contains(full))
                            throw Error($"the pickle references '{full}', which is not a tensor rebuild or a plain container: refusing to load (a checkpoint must only hold tensors)");
                        stack.Add(new Global(full));
                        break;
                    }
                case 0x93: throw Error("STACK_GLOBAL is not accepted (state_dict pickles use GLOBAL)");
                case (byte)'(': stack.Add(new Mark()); break;
                case (byte)')': stack.Add(Array.Empty<object?>()); break;
                case (byte)'}': stack.Add(new Dictionary<object, object?>()); break;
                case (byte)']': stack.Add(new List<object?>()); break;
                case (byte)'N': stack.Add(null); break;
                case 0x88: stack.Add(true); break;
                case 0x89: stack.Add(false); break;
                case (byte)'K': stack.Add((long)_data[_pos++]); break;
                case (byte)'M': stack.Add((long)BitConverter.ToUInt16(_data, _pos)); _pos += 2; break;
                case (byte)'J': stack.Add((long)BitConverter.ToInt32(_data, _pos)); _pos += 4; break;
                case 0x8a:                                                         // LONG1
                    {
                        int n = _data[_pos++];
                        long v = 0;
                        for (int i = 0; i < n; i++) v |= (long)_data[_pos + i] << (8 * i);
                        if (n > 0 && n < 8 && (_data[_pos + n - 1] & 0x80) != 0) v -= 1L << (8 * n);
                        _pos += n;
                        stack.Add(v);
                        break;
                    }
                case (byte)'G': { var b = _data.AsSpan(_pos, 8).ToArray(); Array.Reverse(b); stack.Add(BitConverter.ToDouble(b)); _pos += 8; break; }
                case (byte)'X': { int n = BitConverter.ToInt32(_data, _pos); _pos += 4; stack.Add(Encoding.UTF8.GetString(_data, _pos, n)); _pos += n; break; }
                case 0x8c: { int n = _data[_pos++]; stack.Add(Encoding.UTF8.GetString(_data, _pos, n)); _pos += n; break; }
                case (byte)'U': { int n = _data[_pos++]; stack.Add(Encoding.Latin1.GetString(_data, _pos, n)); _pos += n; break; }
                case (byte)'T': { int n = BitConverter.ToInt32(_data, _pos); _pos += 4; stack.Add(Encoding.Latin1.GetString(_data, _pos, n)); _pos += n; break; }
                case (byte)'q': memo[_data[_pos++]] = stack[^1]; break;
                case (byte)'r': memo[BitConverter.ToUInt32(_data, _pos)] = stack[^1]; _pos += 4; break;
                case 0x94: memo[memo.Count] = stack[^1]; break;                   // MEMOIZE
                case (byte)'h': stack.Add(memo.TryGetValue(_data[_pos++], out var m1) ? m1 : throw Error("BINGET of an unknown memo key")); break;
                case (byte)'j': stack.Add(memo.TryGetValue(BitConverter.ToUInt32(_data, _pos), out var m2) ? m2 : throw Error("LONG_BINGET of an unknown memo key")); _pos += 4; break;
                case (byte)'t': stack.Add(PopToMark().ToArray()); break;
                case 0x85: stack.Add(new[] { Pop() }); break;
                case 0x86: { var b = Pop(); var a = Pop(); stack.Add(new[] { a, b }); break; }
                case 0x87: { var c = Pop(); var b = Pop(); var a = Pop(); stack.Add(new[] { a, b, c }); break; }
                case (byte)'a': { var v = Pop(); ((List<object?>)stack[^1]!).Add(v); break; }
                case (byte)'e': { var items = PopToMark(); ((List<object?>)stack[^1]!).AddRange(items); break; }
                case (byte)'s': { var v = Pop(); var k = Pop()!; Dict(stack[^1])[k] = v; break; }
                case (byte)'u':
                    {
                        var items = PopToMark();
                        var d = Dict(stack[^1]);
                        for (int i = 0; i + 1 < items.Count; i += 2) d[items[i]!] = items[i + 1];
                        break;
                    }
                case (byte)'Q':                                                    // BINPERSID: ('storage', type, key, location, count)
                    {
                        if (Pop() is not object?[] pid || pid.Length < 5 || pid[0] as string != "storage" || pid[1] is not Global type)
                            throw Error("a persistent id that is not a storage reference");
                        stack.Add(_persistentLoad(new StorageRef(type.Name, Convert.ToString(pid[2], System.Globalization.CultureInfo.InvariantCulture)!, Convert.ToInt64(pid[4], System.Globalization.CultureInfo.InvariantCulture))));
                        break;
                    }
                case (byte)'R':                                                    // REDUCE: an allowed global applied to its arguments
                    {
                        var args = Pop() as object?[] ?? throw Error("REDUCE arguments are not a tuple");
                        var callable = Pop() as Global ?? throw Error("REDUCE of something that is not an allowed global");
                        stack.Add(Apply(callable.Name, args));
                        break;
                    }
                case (byte)'b': Pop(); break;                                      // BUILD: state (e.g. OrderedDict._metadata) is not needed
                default: throw Error($"opcode 0x{op:X2} is not accepted by the restricted checkpoint reader");
            }
        }
    }

    private Dictionary<object, object?> Dict(object? o) => o as Dictionary<object, object?> ?? throw Error("SETITEM(S) on something that is not a dict");

    private object Apply(string callable, object?[] args)
    {
        switch (callable)
        {
            case "collections.OrderedDict":
                return new Dictionary<object, object?>();
            case "torch._utils._rebuild_tensor_v2":
                {
                    if (args.Length < 4 || args[0] is not object storage) throw Error("_rebuild_tensor_v2 with unexpected arguments");
                    long offset = Convert.ToInt64(args[1], System.Globalization.CultureInfo.InvariantCulture);
                    var size = (args[2] as object?[] ?? throw Error("tensor size is not a tuple")).Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    var stride = (args[3] as object?[] ?? throw Error("tensor stride is not a tuple")).Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
                    return new LoadedView(storage, offset, size, stride);
                }
            case "torch._utils._rebuild_parameter":
                return args.Length > 0 && args[0] is LoadedView v ? v : throw Error("_rebuild_parameter without a tensor");
            default:
                throw Error($"'{callable}' cannot be called");
        }
    }

    /// <summary>A tensor as the pickle describes it: a storage (already loaded) and a view into it.</summary>
    internal sealed record LoadedView(object Storage, long Offset, long[] Size, long[] Stride);

    private string ReadLine()
    {
        int end = Array.IndexOf(_data, (byte)'\n', _pos);
        if (end < 0) throw Error("unterminated GLOBAL name");
        var s = Encoding.ASCII.GetString(_data, _pos, end - _pos);
        _pos = end + 1;
        return s;
    }
}
