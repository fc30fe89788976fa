using PoseLive.Diagnostics;
using PoseLive.Media;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Media;

/// <summary>Broken files, missing devices and damaged streams: clear errors or correct frames, never a crash or hang.</summary>
public class MediaBadInputTests
{
    [Fact]
    public void Missing_file_is_named()
    {
        var e = Assert.Throws<MediaException>(() => VideoSource.Open("/nonexistent/clip.mp4"));
        Assert.Equal("/nonexistent/clip.mp4", e.Subject);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Zero_byte_file_is_named()
    {
        using var dir = new TestData.TempDir();
        File.WriteAllBytes(dir.File("empty.mp4"), []);
        var e = Assert.Throws<MediaException>(() => VideoSource.Open(dir.File("empty.mp4")));
        Assert.Contains("empty.mp4", e.Message);
        Assert.Contains("empty (0 bytes)", e.Message);
    }

    [Fact]
    public void Text_file_named_mp4_is_rejected_with_ffmpegs_reason()
    {
        using var dir = new TestData.TempDir();
        File.WriteAllText(dir.File("notes.mp4"), "these are my notes, not a video\n");
        var e = Assert.Throws<MediaException>(() => VideoSource.Open(dir.File("notes.mp4")));
        Assert.Contains("notes.mp4", e.Message);
        Assert.True(e.ErrorCode < 0);
        Assert.False(string.IsNullOrWhiteSpace(e.Reason));
    }

    [Fact]
    public void Truncated_mp4_is_an_error_or_its_complete_frames()
    {
        using var dir = new TestData.TempDir();
        var whole = dir.File("whole.mp4");
        MediaFiles.Tool("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=160x120:rate=10:duration=2", "-c:v", "libx264", whole);
        var bytes = File.ReadAllBytes(whole);
        var cut = dir.File("cut.mp4");
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length / 2).ToArray()); // moov atom (at the end) is gone
        var e = Assert.Throws<MediaException>(() => VideoSource.Open(cut));
        Assert.Contains("cut.mp4", e.Message);

        var faststart = dir.File("faststart.mp4");
        MediaFiles.Tool("ffmpeg", "-v", "error", "-i", whole, "-c", "copy", "-movflags", "+faststart", faststart);
        bytes = File.ReadAllBytes(faststart);
        File.WriteAllBytes(cut, bytes.AsSpan(0, bytes.Length * 3 / 4).ToArray()); // index intact, data cut short
        using var source = VideoSource.Open(cut);
        int n = 0;
        VideoFrame? f;
        while ((f = source.ReadFrame()) is not null) { f.Dispose(); n++; }
        Assert.InRange(n, 1, 19); // some, not all, of the 20 frames, and no hang
    }

    [Fact]
    public void Directory_is_not_a_video()
    {
        using var dir = new TestData.TempDir();
        var e = Assert.Throws<MediaException>(() => VideoSource.Open(dir.Path));
        Assert.Contains("is a directory", e.Message);
    }

    [Fact]
    public void Missing_camera_is_a_clear_error()
    {
        var e = Assert.Throws<MediaException>(() => VideoSource.OpenCamera(63));
        Assert.Contains("camera 63 (/dev/video63)", e.Message);
        Assert.Contains("no such device", e.Message);
    }

    [Fact]
    public void Unknown_input_format_and_unknown_option_are_named()
    {
        var e1 = Assert.Throws<MediaException>(() => VideoSource.Open("x", new VideoSourceOptions { InputFormat = "no_such_format" }));
        Assert.Contains("unknown input format 'no_such_format'", e1.Message);
        var e2 = Assert.Throws<MediaException>(() => VideoSource.Open("testsrc2", new VideoSourceOptions
        {
            InputFormat = "lavfi",
            InputOptions = new Dictionary<string, string> { ["frobnicate"] = "1" },
        }));
        Assert.Contains("option 'frobnicate' is not recognised", e2.Message);
    }

    [Fact]
    public void Corrupt_bytes_mid_stream_are_skipped_with_a_warning_and_decoding_continues()
    {
        using var dir = new TestData.TempDir();
        var clip = dir.File("damaged.avi");
        var bytes = File.ReadAllBytes(MediaFiles.Sample("vtest.avi"));
        var rng = new Random(7);
        for (int block = 0; block < 5; block++)                      // five damaged regions across the file
        {
            int at = bytes.Length / 6 * (block + 1);
            for (int i = 0; i < 3000; i++) bytes[at + i] = (byte)rng.Next(256);
        }
        File.WriteAllBytes(clip, bytes);

        var warnings = new List<LogRecord>();
        var previous = Log.SetSink(r => { if (r.Source == "ffmpeg") lock (warnings) warnings.Add(r); });
        int n = 0;
        try
        {
            using var source = VideoSource.Open(clip);
            VideoFrame? f;
            while ((f = source.ReadFrame()) is not null) { f.Dispose(); n++; }
        }
        finally
        {
            Log.SetSink(previous);
        }
        Assert.InRange(n, 700, 795);        // decoding went on past every damaged region
        lock (warnings) Assert.NotEmpty(warnings); // and the damage was reported
    }
}
