using System.Runtime.InteropServices;

namespace PoseLive.Interop.Ort;

/// <summary>Base of the SafeHandles that own ORT objects; each releases with its own Release function.</summary>
internal abstract unsafe class OrtHandle : SafeHandle
{
    protected OrtHandle() : base(0, ownsHandle: true) { }

    public override bool IsInvalid => handle == 0;

    /// <summary>The raw pointer; valid while this handle is alive (callers keep it alive across the call).</summary>
    public nint Pointer => handle;

    /// <summary>Takes ownership of a pointer that ORT just returned.</summary>
    public static T Own<T>(nint pointer) where T : OrtHandle, new()
    {
        var h = new T();
        h.SetHandle(pointer);
        return h;
    }
}

internal sealed unsafe class OrtEnvHandle : OrtHandle
{
    protected override bool ReleaseHandle() { OrtApi.ReleaseEnv(handle); return true; }
}

internal sealed unsafe class OrtSessionHandle : OrtHandle
{
    protected override bool ReleaseHandle() { OrtApi.ReleaseSession(handle); return true; }
}

internal sealed unsafe class OrtSessionOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle() { OrtApi.ReleaseSessionOptions(handle); return true; }
}

/// <summary>An OrtValue; when it is a tensor over pinned managed memory it also owns the pin, released after the value.</summary>
internal sealed unsafe class OrtValueHandle : OrtHandle
{
    internal System.Buffers.MemoryHandle Pin;

    protected override bool ReleaseHandle()
    {
        OrtApi.ReleaseValue(handle);
        Pin.Dispose();
        return true;
    }
}

internal sealed unsafe class OrtMemoryInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle() { OrtApi.ReleaseMemoryInfo(handle); return true; }
}

internal sealed unsafe class OrtRunOptionsHandle : OrtHandle
{
    protected override bool ReleaseHandle() { OrtApi.ReleaseRunOptions(handle); return true; }
}

internal sealed unsafe class OrtTypeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle() { OrtApi.ReleaseTypeInfo(handle); return true; }
}

internal sealed unsafe class OrtTensorTypeAndShapeInfoHandle : OrtHandle
{
    protected override bool ReleaseHandle() { OrtApi.ReleaseTensorTypeAndShapeInfo(handle); return true; }
}
