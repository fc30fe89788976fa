using System.Buffers;
using System.Runtime.InteropServices;
using PoseLive.Onnx;

namespace PoseLive.Interop.Ort;

/// <summary>OrtValues over pinned managed memory, and copying ORT-allocated outputs back out.</summary>
internal static unsafe class OrtValueNative
{
    /// <summary>
    /// Pins <paramref name="memory"/> and creates a tensor OrtValue over it (no copy). The returned handle
    /// owns the pin and releases it only after ORT has released the value.
    /// </summary>
    public static OrtValueHandle CreateTensor<T>(Memory<T> memory, long[] shape, OnnxDataType type) where T : unmanaged
    {
        var mem = OrtEnvironment.CpuMemory;
        var pin = memory.Pin();
        try
        {
            nint value;
            fixed (long* s = shape)
                OrtStatus.Check(OrtApi.CreateTensorWithDataAsOrtValue(mem.Pointer, pin.Pointer, (nuint)(memory.Length * sizeof(T)),
                    s, (nuint)shape.Length, (int)type, &value), "creating a tensor");
            var handle = OrtHandle.Own<OrtValueHandle>(value);
            handle.Pin = pin;
            return handle;
        }
        catch
        {
            pin.Dispose();
            throw;
        }
    }

    /// <summary>Element type, shape and a span over the data of a tensor value (valid while the value lives).</summary>
    public static (OnnxDataType Type, long[] Shape, nint Data) Describe(nint value)
    {
        int valueType;
        OrtStatus.Check(OrtApi.GetValueType(value, &valueType));
        if (valueType != 1) throw new NotSupportedException($"ONNX Runtime returned a non-tensor value (ONNXType {valueType}); only tensors are supported.");
        nint info;
        OrtStatus.Check(OrtApi.GetTensorTypeAndShape(value, &info));
        using var infoHandle = OrtHandle.Own<OrtTensorTypeAndShapeInfoHandle>(info);
        var (type, shape, _) = OrtSessionNative.ReadTensorInfo(info);
        void* data;
        OrtStatus.Check(OrtApi.GetTensorMutableData(value, &data));
        return (type, shape, (nint)data);
    }

    /// <summary>Copies a tensor value's bytes into <paramref name="destination"/>.</summary>
    public static void CopyBytes(nint data, Span<byte> destination) =>
        new ReadOnlySpan<byte>((void*)data, destination.Length).CopyTo(destination);

    public static void Release(nint value) => OrtApi.ReleaseValue(value);
}
