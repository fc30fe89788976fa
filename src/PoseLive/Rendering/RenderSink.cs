using PoseLive.Media;
using PoseLive.Pipeline;
using PoseLive.Pose;

namespace PoseLive.Rendering;

/// <summary>
/// Renders every annotated frame with the GL shaders offscreen and encodes it (H.264 MP4) at the frame's
/// media timestamp. The readback is asynchronous: each frame is encoded while the next one renders.
/// The video is finished on completion (also after Ctrl-C, so it holds every rendered frame); it is
/// written atomically, so an aborted run leaves no half-written file under the target name.
/// </summary>
public sealed class RenderSink : IFrameSink, IDisposable
{
    private readonly string _path;
    private readonly KeypointSchema _schema;
    private readonly Rational _frameRate;
    private OffscreenRenderer? _renderer;
    private VideoEncoder? _encoder;
    private long _lastPts = -1;

    public RenderSink(string path, KeypointSchema schema, Rational frameRate)
    {
        _path = path;
        _schema = schema;
        _frameRate = frameRate.IsValid ? frameRate : new Rational(30, 1);
    }

    public long FramesWritten => _encoder?.FrameCount ?? 0;

    /// <summary>Throws a <see cref="RenderingException"/> now if headless GL is not available (fail before any work).</summary>
    public static void EnsureAvailable() => Interop.Egl.EglContext.Create().Dispose();

    public void Write(FrameResult r)
    {
        var frame = r.Frame ?? throw new RenderingException("The render sink needs the decoded frame.");
        _renderer ??= new OffscreenRenderer(frame.Width, frame.Height, _schema);
        _encoder ??= VideoEncoder.Create(_path, frame.Width, frame.Height, new VideoEncoderOptions { FrameRate = _frameRate });
        var scene = new RenderScene(r.People.Select(p => new RenderPerson(p.TrackId, p.Keypoints, p.Box, p.Score, p.Raw.Heatmap)).ToList());
        long pts = r.Timestamp.TimeBase.IsValid ? r.Timestamp.TimeBase.Rescale(r.Timestamp.Pts, new Rational(1, 1000)) : 0;   // the encoder's time base is 1/1000
        if (pts <= _lastPts) pts = _lastPts + 1; // encoder timestamps must increase
        _lastPts = pts;
        _renderer.Render(frame, scene, pts, Encode);
    }

    private void Encode(ReadOnlySpan<byte> rgba, long pts) => _encoder!.Write(rgba, _renderer!.Width * 4, PixelFormat.Rgba, pts);

    public void Complete(bool cancelled)
    {
        if (_renderer is null || _encoder is null) return;
        _renderer.Flush(Encode);
        _encoder.Finish();
    }

    public void Dispose()
    {
        _encoder?.Dispose();
        _renderer?.Dispose();
    }
}
