using System.Diagnostics;
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
/// display rate (vsync, capped at 60 Hz where there is none), interpolating each person's keypoints
/// between the last two media timestamps, while the pipeline runs on its own tasks and hands frames over
/// through a <see cref="WindowSink"/>. Keys: Space pause, . step (paused), H heatmaps, S skeletons,
/// B boxes, D detector boxes, Esc quit. The title shows fps, latency and the track count.
/// </summary>
public sealed class LiveWindow
{
    public string? ScreenshotPath { get; init; }

    /// <summary>Keypoints (and limbs) scored below this are not drawn.</summary>
    public float MinKeypointScore { get; init; } = 0.3f;

    /// <summary>Runs until Esc, the window closes, or the pipeline finishes; then cancels <paramref name="stop"/>.</summary>
    public void Run(WindowSink sink, KeypointSchema schema, CancellationTokenSource stop, Func<string> status)
    {
        GlfwWindow.Initialise();
        GlfwWindow? window = null;
        try
        {
            // the size follows the first frame
            WindowFrame? current = sink.TakeLatest(), previous = null;
            var clock = Stopwatch.StartNew();
            while (current is null && !stop.IsCancellationRequested && !sink.Finished && clock.Elapsed < TimeSpan.FromSeconds(30))
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
            Loop(window, gl, renderer, sink, ref current, ref previous, stop, status);
        }
        finally
        {
            stop.Cancel();
            window?.Dispose();
            GlfwWindow.Terminate();
        }
    }

    private void Loop(GlfwWindow window, GL gl, PoseRenderer renderer, WindowSink sink, ref WindowFrame current, ref WindowFrame? previous,
        CancellationTokenSource stop, Func<string> status)
    {
        bool paused = false, step = false, heatmaps = true, skeletons = true, boxes = true, detectorBoxes = false;
        long arrived = Stopwatch.GetTimestamp();
        long lastTitle = 0;
        int framesShown = 0;
        var tick = TimeSpan.FromSeconds(1.0 / 60);
        byte[]? screenshot = null;
        int shotW = 0, shotH = 0;
        bool last = false;
        while (!window.ShouldClose && !stop.IsCancellationRequested && !last)
        {
            long frameStart = Stopwatch.GetTimestamp();
            window.PollEvents();
            while (window.TryTakeKey(out var key))
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
            if (!paused || step)
            {
                if (sink.TakeLatest() is { } next)
                {
                    if (previous is not null) sink.Return(previous);
                    previous = current;
                    current = next;
                    arrived = Stopwatch.GetTimestamp();
                    step = false;
                }
                else if (sink.Finished) last = true;                           // the source ended: show the final frame, then close
            }
            // interpolate from the previous pose to the current one over one media frame interval
            double span = previous is null ? 0 : current.Time - previous.Time;
            double alpha = span <= 0 || paused ? 1 : Math.Clamp(Stopwatch.GetElapsedTime(arrived).TotalSeconds / span, 0, 1);
            var scene = new RenderScene(Interpolate(previous, current, (float)alpha))
            {
                ShowHeatmaps = heatmaps, ShowSkeletons = skeletons, ShowBoxes = boxes, ShowDetectorBoxes = detectorBoxes,
                MinKeypointScore = MinKeypointScore,
            };
            var (fbw, fbh) = window.FramebufferSize;
            gl.BindFramebuffer(FramebufferTarget.Framebuffer, 0);
            renderer.Draw(current.Pixels, scene, fbw, fbh, flipY: true);
            if (ScreenshotPath is not null)
            {
                if (screenshot is null || screenshot.Length != fbw * fbh * 4) screenshot = new byte[fbw * fbh * 4];
                gl.PixelStore(PixelStoreParameter.PackAlignment, 1);
                gl.ReadPixels(0, 0, (uint)fbw, (uint)fbh, GlPixelFormat.Rgba, PixelType.UnsignedByte, out screenshot[0]);
                (shotW, shotH) = (fbw, fbh);
            }
            window.SwapBuffers();
            framesShown++;
            if (Stopwatch.GetElapsedTime(lastTitle).TotalSeconds >= 1)
            {
                lastTitle = Stopwatch.GetTimestamp();
                window.Title = $"PoseLive — {current.People.Count} tracks — {status()}{(paused ? " — paused" : "")}";
            }
            var rest = tick - Stopwatch.GetElapsedTime(frameStart);           // no vsync (e.g. Xvfb): cap at 60 Hz
            if (rest > TimeSpan.Zero) Thread.Sleep(rest);
        }
        if (ScreenshotPath is not null && screenshot is not null) SaveScreenshot(screenshot, shotW, shotH);
    }

    private static IReadOnlyList<RenderPerson> Interpolate(WindowFrame? previous, WindowFrame current, float alpha)
    {
        var before = previous?.People.ToDictionary(p => p.TrackId);
        var result = new List<RenderPerson>(current.People.Count);
        foreach (var p in current.People)
        {
            var kps = p.Keypoints;
            if (alpha < 1 && before is not null && before.TryGetValue(p.TrackId, out var old))
            {
                kps = new Keypoint[p.Keypoints.Length];
                for (int i = 0; i < kps.Length; i++)
                {
                    var a = old.Keypoints[i];
                    var b = p.Keypoints[i];
                    kps[i] = a.IsMissing || b.IsMissing ? b : new Keypoint(a.X + (b.X - a.X) * alpha, a.Y + (b.Y - a.Y) * alpha, b.Score);
                }
            }
            result.Add(new RenderPerson(p.TrackId, kps, p.Box, p.Score, p.Raw.Heatmap));
        }
        return result;
    }

    private void SaveScreenshot(byte[] rgba, int width, int height)
    {
        var flipped = new byte[rgba.Length];                                      // the window's row 0 is the bottom one
        for (int y = 0; y < height; y++) rgba.AsSpan((height - 1 - y) * width * 4, width * 4).CopyTo(flipped.AsSpan(y * width * 4));
        PngImage.Write(ScreenshotPath!, flipped, width * 4, width, height, PixelFormat.Rgba);
    }
}
