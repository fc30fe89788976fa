using PoseLive.Interop.Gl;
using PoseLive.Interop.Glfw;
using PoseLive.Media;
using PoseLive.Pose;
using Silk.NET.OpenGL;
using GlPixelFormat = Silk.NET.OpenGL.PixelFormat;
using PixelFormat = PoseLive.Media.PixelFormat;

namespace PoseLive.Rendering;

/// <summary>
/// The live window (GLFW, OpenGL 4.5 core): a game-style frame loop on the calling thread that renders at
/// display rate (vsync, capped at 60 Hz where there is none), while the pipeline runs on its own threads and
/// hands frames over through a <see cref="WindowSink"/>. Each frame is drawn with its own poses (the pixels and
/// the people of one pipeline result), track ids beside the skeletons, and a HUD drawn in GL (fps, latency,
/// people, drops, device and model). Keys: Space pause, . step (paused), H heatmaps, S skeletons, B boxes,
/// D detector boxes, Esc quit.
/// </summary>
public sealed class LiveWindow
{
    public string? ScreenshotPath { get; init; }

    /// <summary>The clock the loop paces itself and refreshes the HUD by.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>After <see cref="Run"/>: the index of the frame shown last (the screenshot's), or null if none was.</summary>
    public long? LastShownFrame { get; private set; }

    /// <summary>Keypoints (and limbs) scored below this are not drawn.</summary>
    public float MinKeypointScore { get; init; } = 0.3f;

    /// <summary>
    /// Runs until Esc, the window closes, <paramref name="stop"/> is cancelled (Ctrl-C) or the pipeline finishes; then
    /// cancels <paramref name="stop"/>. <paramref name="status"/> gives the HUD's lines for the frame shown (twice a second).
    /// </summary>
    public void Run(WindowSink sink, KeypointSchema schema, CancellationTokenSource stop, Func<WindowFrame, IReadOnlyList<string>> status)
    {
        GlfwWindow.Initialise();
        GlfwWindow? window = null;
        try
        {
            // the size follows the first frame
            WindowFrame? current = sink.TakeLatest();
            long waitStart = Clock.GetTimestamp();
            while (current is null && !stop.IsCancellationRequested && !sink.Finished && Clock.GetElapsedTime(waitStart) < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(5);                                                 // waiting for the first frame (its size sizes the window)
                current = sink.TakeLatest();
            }
            if (current is null) return;
            window = GlfwWindow.Open(current.Pixels.Width, current.Pixels.Height, "PoseLive");
            using var gl = GL.GetApi(GlfwWindow.GetProcAddress);
            GlError.EnableDebugOutput(gl);
            GlError.Clear(gl);
            using var renderer = new PoseRenderer(gl, schema);
            Loop(window, gl, renderer, sink, current, stop, status);
        }
        finally
        {
            stop.Cancel();
            window?.Dispose();
            GlfwWindow.Terminate();
        }
    }

    private void Loop(GlfwWindow window, GL gl, PoseRenderer renderer, WindowSink sink, WindowFrame current, CancellationTokenSource stop, Func<WindowFrame, IReadOnlyList<string>> status)
    {
        bool paused = false, step = false, heatmaps = true, skeletons = true, boxes = true, detectorBoxes = false;
        long lastHud = long.MinValue;
        var tick = TimeSpan.FromSeconds(1.0 / 60);
        byte[]? screenshot = null;
        int shotW = 0, shotH = 0;
        bool last = false;
        IReadOnlyList<string> hud = [];
        var people = new List<RenderPerson>();
        var detections = new List<BoundingBox>();
        bool dirty = true;                                                     // something changed since the last draw
        (int W, int H) drawnSize = (0, 0);
        while (!window.ShouldClose && !stop.IsCancellationRequested && !last)
        {
            long frameStart = Clock.GetTimestamp();
            window.PollEvents();
            while (window.TryTakeKey(out var key))
            {
                dirty = true;
                switch (key)
                {
                    case WindowKey.Escape: window.ShouldClose = true; break;
                    case WindowKey.Space: paused = !paused; break;
                    case WindowKey.Period: step = paused; break;
                    case WindowKey.H: heatmaps = !heatmaps; break;
                    case WindowKey.S: skeletons = !skeletons; break;
                    case WindowKey.B: boxes = !boxes; break;
                    case WindowKey.D: detectorBoxes = !detectorBoxes; break;
                }
            }
            if (!paused || step)
            {
                if (sink.TakeLatest() is { } next)
                {
                    sink.Return(current);
                    current = next;
                    step = false;
                    dirty = true;
                }
                else if (sink.Finished) last = true;                           // the source ended: show the final frame, then close
            }
            if (lastHud == long.MinValue || Clock.GetElapsedTime(lastHud) >= TimeSpan.FromSeconds(0.5))
            {
                lastHud = Clock.GetTimestamp();
                hud = paused ? [.. status(current), "paused (Space)"] : status(current);
                dirty = true;
            }
            var (fbw, fbh) = window.FramebufferSize;
            if (!dirty && drawnSize == (fbw, fbh))
            {
                // nothing new: no draw (the GL may be software, sharing the cores with the pipeline; a 10 fps source drawn at
                // 60 Hz would spend five draws in six on pixels already shown)
                var idle = tick - Clock.GetElapsedTime(frameStart);
                if (idle > TimeSpan.Zero) Thread.Sleep(idle);
                continue;
            }
            (dirty, drawnSize) = (false, (fbw, fbh));
            // the frame's own people, exactly as the pipeline wrote them for it
            people.Clear();
            foreach (var p in current.People) people.Add(new RenderPerson(p.TrackId, p.Keypoints, p.Box, p.Score, p.Raw.Heatmap, p.Extrapolated));
            detections.Clear();
            foreach (var d in current.Detections) detections.Add(d.Box);
            var scene = new RenderScene(people)
            {
                ShowHeatmaps = heatmaps, ShowSkeletons = skeletons, ShowBoxes = boxes, ShowDetectorBoxes = detectorBoxes, DetectorBoxes = detections,
                ShowTrackIds = skeletons || boxes, Hud = hud, MinKeypointScore = MinKeypointScore,
            };
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
            renderer.Draw(current.Pixels, scene, fbw, fbh, flipY: true);
            LastShownFrame = current.Index;
            if (ScreenshotPath is not null)
            {
                if (screenshot is null || screenshot.Length != fbw * fbh * 4) screenshot = new byte[fbw * fbh * 4];
                gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
                gl.ReadPixels(0, 0, (uint)fbw, (uint)fbh, GlPixelFormat.Rgba, PixelType.UnsignedByte, out screenshot[0]);
                (shotW, shotH) = (fbw, fbh);
            }
            window.SwapBuffers();
            var rest = tick - Clock.GetElapsedTime(frameStart);               // no vsync (e.g. Xvfb): cap at 60 Hz
            if (rest > TimeSpan.Zero) Thread.Sleep(rest);
        }
        if (ScreenshotPath is not null && screenshot is not null) SaveScreenshot(screenshot, shotW, shotH);
    }

    private void SaveScreenshot(byte[] rgba, int width, int height)
    {
        var flipped = new byte[rgba.Length];                                      // the window's row 0 is the bottom one
        for (int y = 0; y < height; y++) rgba.AsSpan((height - 1 - y) * width * 4, width * 4).CopyTo(flipped.AsSpan(y * width * 4));
        PngImage.Write(ScreenshotPath!, flipped, width * 4, width, height, PixelFormat.Rgba);
    }
}
