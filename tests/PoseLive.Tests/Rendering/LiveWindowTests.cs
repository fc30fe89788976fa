using System.Diagnostics;
using System.Runtime.InteropServices;
using PoseLive.Media;
using PoseLive.Pipeline;
using PoseLive.Pose;
using PoseLive.Rendering;
using PoseLive.Tests.TestSupport;
using PoseLive.Tracking;

namespace PoseLive.Tests.Rendering;

/// <summary>The live window under a private Xvfb display (started by the test).</summary>
[Collection("gl")]
public sealed partial class LiveWindowTests : IDisposable
{
    private readonly Process _xvfb;
    private readonly string _display;

    public LiveWindowTests()
    {
        // -displayfd: Xvfb picks a free display itself and writes its number once it accepts connections, so
        // neither a stale socket nor a display taken by another run can fool the test.
        _xvfb = Process.Start(new ProcessStartInfo("Xvfb", ["-displayfd", "1", "-screen", "0", "1024x768x24", "-nolisten", "tcp"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _xvfb.ErrorDataReceived += (_, _) => { };
        _xvfb.BeginErrorReadLine();
        string? line = null;
        try { line = _xvfb.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(15)).GetAwaiter().GetResult(); }
        catch (TimeoutException) { }
        if (!int.TryParse(line, out var n))
        {
            Dispose();
            Assert.Fail($"Xvfb did not start (got '{line}'; is the xvfb package installed? scripts/setup.sh installs it)");
        }
        _display = $":{n}";
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int setenv(string name, string value, int overwrite);

    [Fact]
    public void Window_shows_known_poses_in_their_track_colours()
    {
        setenv("DISPLAY", _display, 1);                                              // GLFW reads the native environment
        using var frame = VideoFrame.CreateUnpooled(200, 150, PixelFormat.Rgb24);
        Array.Fill(frame.Buffer, (byte)40);
        var kps = Enumerable.Range(0, 17).Select(i => new Keypoint(60 + (i % 2) * 30, 15 + i * 7, 1f)).ToArray();
        var person = new TrackedPerson(4, kps, new BoundingBox(50, 10, 50, 125), 1f, new PoseLive.Estimation.PersonPose(kps, new BoundingBox(50, 10, 50, 125), 1, 1));
        var sink = new WindowSink();
        sink.Write(new FrameResult { FrameIndex = 0, Time = 0, Width = 200, Height = 150, People = [person], RawPoses = [], Detected = true, Frame = frame });
        sink.Complete(false);
        using var dir = new TestData.TempDir();
        var shot = dir.File("window.png");
        using var stop = new CancellationTokenSource();
        new LiveWindow { ScreenshotPath = shot }.Run(sink, KeypointSchema.Coco17, stop, _ => ["test"]);
        Assert.True(stop.IsCancellationRequested);                                   // the window tells the pipeline to stop

        using var image = VideoSource.Open(shot);
        using var pixels = image.ReadFrame()!;
        Assert.Equal((200, 150), (pixels.Width, pixels.Height));
        var expected = CpuOverlay.ColorFor(4);
        var joint = pixels.Row((int)kps[6].Y).Slice((int)kps[6].X * 3, 3);
        Assert.True(Math.Abs(joint[0] - expected.R) <= 2 && Math.Abs(joint[1] - expected.G) <= 2 && Math.Abs(joint[2] - expected.B) <= 2,
            $"joint pixel ({joint[0]},{joint[1]},{joint[2]}) vs track colour {expected}");
        Assert.Equal(40, pixels.Row(140)[10 * 3]);                                   // the frame, right way up: row 140 is untouched
        var artefacts = Path.Combine(AppContext.BaseDirectory, "TestResults", "renders");
        Directory.CreateDirectory(artefacts);
        File.Copy(shot, Path.Combine(artefacts, "window.png"), overwrite: true);
    }

    [Fact]
    public async Task Escape_quits_the_live_window_cleanly_with_the_sinks_flushed()
    {
        using var dir = new TestData.TempDir();
        var jsonl = dir.File("live.jsonl");
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "poselive.dll"), "run", MediaFiles.Sample("vtest.avi"),
            "--window", "--jsonl", jsonl, "--seconds", "60"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.Environment["DISPLAY"] = _display;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(60) && (!File.Exists(jsonl) || File.ReadAllLines(jsonl).Length < 15)) await Task.Delay(100);
        var xdotool = new ProcessStartInfo("xdotool", ["search", "--sync", "--name", "PoseLive", "windowfocus", "--sync", "key", "Escape"]);
        xdotool.Environment["DISPLAY"] = _display;
        using (var key = Process.Start(xdotool)!) await key.WaitForExitAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(timeout.Token);
        Assert.True(p.ExitCode == 0, await stderr);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(45), "Esc did not end the run");
        Assert.Contains("done:", await stdout);
        var frames = PoseLive.Export.FrameJournal.Read(jsonl);                      // flushed and complete
        Assert.True(frames.Count >= 15);
    }

    public void Dispose()
    {
        try { _xvfb.Kill(); _xvfb.WaitForExit(5000); } catch (InvalidOperationException) { }
        _xvfb.Dispose();
    }
}
