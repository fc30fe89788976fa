using System.Runtime.InteropServices;

namespace PoseLive.Interop.Av;

/// <summary>Owns a pl_source (demuxer + decoder + scaler).</summary>
internal sealed class AvSourceHandle : SafeHandle
{
    public AvSourceHandle() : base(0, true) { }
    public AvSourceHandle(nint h) : base(0, true) => SetHandle(h);
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle() { AvNative.pl_source_close(handle); return true; }
}

/// <summary>Owns a pl_encoder (encoder + muxer + output file).</summary>
internal sealed class AvEncoderHandle : SafeHandle
{
    public AvEncoderHandle() : base(0, true) { }
    public AvEncoderHandle(nint h) : base(0, true) => SetHandle(h);
    public override bool IsInvalid => handle == 0;
    protected override bool ReleaseHandle() { AvNative.pl_encoder_close(handle); return true; }
}
