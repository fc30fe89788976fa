using System.Text.RegularExpressions;
using Ort = Microsoft.ML.OnnxRuntime;

namespace PoseLive.Inference;

/// <summary>
/// The one place ONNX Runtime's exceptions become PoseLive's <see cref="OnnxRuntimeException"/>: ORT's code and
/// message (its "[ErrorCode:X] " prefix parsed off) plus what PoseLive was doing.
/// </summary>
internal static partial class OrtErrors
{
    public static T Translate<T>(Func<T> call, string context)
    {
        try
        {
            return call();
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw From(e, context);
        }
    }

    public static void Translate(Action call, string context)
    {
        try
        {
            call();
        }
        catch (Ort.OnnxRuntimeException e)
        {
            throw From(e, context);
        }
    }

    public static OnnxRuntimeException From(Ort.OnnxRuntimeException e, string context)
    {
        var m = Prefix().Match(e.Message);
        var code = m.Success && Enum.TryParse<OrtErrorCode>(m.Groups[1].Value, out var c) ? c : OrtErrorCode.Fail;
        return new OnnxRuntimeException(code, m.Success ? e.Message[m.Length..] : e.Message, context);
    }

    [GeneratedRegex(@"^\[ErrorCode:(\w+)\]\s*")]
    private static partial Regex Prefix();
}
