namespace PoseLive.Inference;

/// <summary>OrtErrorCode from onnxruntime_c_api.h.</summary>
public enum OrtErrorCode
{
    Ok = 0, Fail = 1, InvalidArgument = 2, NoSuchFile = 3, NoModel = 4, EngineError = 5, RuntimeException = 6,
    InvalidProtobuf = 7, ModelLoaded = 8, NotImplemented = 9, InvalidGraph = 10, EpFail = 11,
    ModelLoadCanceled = 12, ModelRequiresCompilation = 13, NotFound = 14,
}

/// <summary>An error reported by ONNX Runtime, carrying its code and message, plus what PoseLive was doing.</summary>
public class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode code, string runtimeMessage, string? context = null)
        : base(context is null ? $"ONNX Runtime error {code}: {runtimeMessage}" : $"ONNX Runtime error {code} while {context}: {runtimeMessage}")
    {
        Code = code;
        RuntimeMessage = runtimeMessage;
    }

    public OnnxRuntimeException(string message) : base(message) => RuntimeMessage = message;

    /// <summary>ORT's error code.</summary>
    public OrtErrorCode Code { get; } = OrtErrorCode.Fail;

    /// <summary>ORT's own message text.</summary>
    public string RuntimeMessage { get; }
}

/// <summary>libonnxruntime.so.1 could not be found or loaded; the message lists where it looked and how to fix it.</summary>
public sealed class OnnxRuntimeNotFoundException(string message) : Exception(message);

/// <summary>A requested execution provider is not in the loaded runtime.</summary>
public sealed class ExecutionProviderUnavailableException(string message) : Exception(message);

/// <summary>Inputs or outputs given to a session do not match the model (name, element type or shape).</summary>
public sealed class TensorMismatchException(string message) : ArgumentException(message);
