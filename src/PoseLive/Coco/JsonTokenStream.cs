using System.Text.Json;

namespace PoseLive.Coco;

/// <summary>
/// Forward-only JSON reading over a stream with bounded memory: tokens one at a time, and whole values
/// (one array element at a time) as JsonElements. The buffer grows only to the size of the largest
/// single element. Invalid JSON becomes a <see cref="CocoFormatException"/> with the byte offset.
/// </summary>
internal sealed class JsonTokenStream(Stream stream, string name) : IDisposable
{
    private byte[] _buffer = new byte[1 << 16];
    private int _start, _end;
    private long _consumedBefore;
    private bool _eof;
    private JsonReaderState _state = new(new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });

    public JsonTokenType TokenType { get; private set; }
    public string? StringValue { get; private set; }

    /// <summary>Byte offset in the file of the reading position.</summary>
    public long Offset => _consumedBefore + _start;

    /// <summary>Where in the document we are, for error messages (set by the caller).</summary>
    public string Context { get; set; } = "";

    /// <summary>Reads the next token; false at the end of the document.</summary>
    public bool Next()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
            try
            {
                if (reader.Read())
                {
                    TokenType = reader.TokenType;
                    StringValue = TokenType is JsonTokenType.PropertyName or JsonTokenType.String ? reader.GetString() : null;
                    _start += (int)reader.BytesConsumed;
                    _state = reader.CurrentState;
                    return true;
                }
            }
            catch (JsonException e) { throw Invalid(e, reader.BytesConsumed); }
            catch (InvalidOperationException) { throw new CocoFormatException($"{name}: text that is not valid UTF-8 or has a bad escape{(string.IsNullOrEmpty(Context) ? "" : $" in {Context}")} near byte {Offset}"); }
            if (_eof) return false;
            Fill();
        }
    }

    /// <summary>Reads the next complete value (object, array or primitive) as a detached element.</summary>
    public JsonElement NextValue()
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
            try
            {
                if (reader.Read() && JsonDocument.TryParseValue(ref reader, out var doc))
                {
                    using (doc)
                    {
                        _start += (int)reader.BytesConsumed;
                        _state = reader.CurrentState;
                        return doc.RootElement.Clone();
                    }
                }
            }
            catch (JsonException e) { throw Invalid(e, reader.BytesConsumed); }
            catch (InvalidOperationException) { throw new CocoFormatException($"{name}: text that is not valid UTF-8 or has a bad escape{(string.IsNullOrEmpty(Context) ? "" : $" in {Context}")} near byte {Offset}"); }
            if (_eof) throw new CocoFormatException($"{name}: {Context}: the file ends in the middle of a value (truncated?).");
            Fill();
        }
    }

    /// <summary>
    /// Inside an array: reads the next item as a detached element, or returns false (consuming the ']')
    /// at the end of the array.
    /// </summary>
    public bool NextArrayItem(out JsonElement item)
    {
        while (true)
        {
            var reader = new Utf8JsonReader(_buffer.AsSpan(_start, _end - _start), _eof, _state);
            try
            {
                if (reader.Read())
                {
                    if (reader.TokenType == JsonTokenType.EndArray)
                    {
                        _start += (int)reader.BytesConsumed;
                        _state = reader.CurrentState;
                        item = default;
                        return false;
                    }
                    if (JsonDocument.TryParseValue(ref reader, out var doc))
                    {
                        using (doc)
                        {
                            _start += (int)reader.BytesConsumed;
                            _state = reader.CurrentState;
                            item = doc.RootElement.Clone();
                            return true;
                        }
                    }
                }
            }
            catch (JsonException e) { throw Invalid(e, reader.BytesConsumed); }
            catch (InvalidOperationException) { throw new CocoFormatException($"{name}: text that is not valid UTF-8 or has a bad escape{(string.IsNullOrEmpty(Context) ? "" : $" in {Context}")} near byte {Offset}"); }
            if (_eof) throw new CocoFormatException($"{name}: {Context}: the file ends inside an array (truncated?).");
            Fill();
        }
    }

    /// <summary>Skips the value that follows (after a property name).</summary>
    public void SkipValue() => NextValue();

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _consumedBefore += _start;
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) Array.Resize(ref _buffer, _buffer.Length * 2);
        int n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0) _eof = true;
        _end += n;
    }

    private CocoFormatException Invalid(Exception e, long within)
    {
        var where = string.IsNullOrEmpty(Context) ? "" : $" in {Context}";
        var hint = e.Message.Contains("'N'", StringComparison.Ordinal) || e.Message.Contains("'I'", StringComparison.Ordinal)
            ? " (NaN and Infinity are not valid JSON numbers)" : "";
        return new CocoFormatException($"{name}: invalid JSON{where} near byte {Offset + within}: {FirstSentence(e.Message)}{hint}");
    }

    private static string FirstSentence(string m)
    {
        int i = m.IndexOf(" LineNumber", StringComparison.Ordinal);
        return (i > 0 ? m[..i] : m).Trim();
    }

    public void Dispose() => stream.Dispose();
}
