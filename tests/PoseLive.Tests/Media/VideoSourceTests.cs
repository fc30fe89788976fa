using PoseLive.Media;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Media;

/// <summary>Decoding real footage and generated clips, checked against FFmpeg's own tools.</summary>
public class VideoSourceTests
{
    [Fact]
    public void Vtest_decodes_to_the_frame_count_ffprobe_counts_with_increasing_pts()
    {
        var path = MediaFiles.Sample("vtest.avi");
        long expected = long.Parse(MediaFiles.ToolText("ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0",
            "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", path));

        using var source = VideoSource.Open(path);
        long count = 0, last = long.MinValue;
        VideoFrame? frame;
        while ((frame = source.ReadFrame()) is not null)
        {
            using (frame)
            {
                Assert.True(frame.Pts > last, $"pts {frame.Pts} after {last}");
                Assert.Equal(count, frame.Index);
                last = frame.Pts;
                count++;
            }
        }

        Assert.Equal(795, expected);
        Assert.Equal(expected, count);
        Assert.Equal(768, source.Video.Width);
        Assert.Equal(576, source.Video.Height);
        Assert.Equal(10.0, source.Video.FramesPerSecond);
        Assert.Equal("msmpeg4v3", source.Video.Codec);
        Assert.Equal(1, source.Pool.Allocated); // each frame returned before the next: one buffer, reused
    }

    [Fact]
    public void Decoded_rgb_equals_the_ffmpeg_tools_rgb24_output_for_an_odd_sized_clip()
    {
        using var dir = new TestData.TempDir();
        var clip = dir.File("odd.mkv");
        // testsrc2 itself rounds sizes to even: scale to the odd size explicitly.
        MediaFiles.Tool("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x480:rate=10:duration=1", "-vf", "scale=641:481",
            "-c:v", "ffv1", "-pix_fmt", "yuv420p", clip);
        var reference = MediaFiles.Tool("ffmpeg", "-v", "error", "-i", clip, "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
        const int w = 641, h = 481;
        Assert.Equal(10 * w * h * 3, reference.Length);

        using var source = VideoSource.Open(clip);
        int n = 0;
        VideoFrame? frame;
        while ((frame = source.ReadFrame()) is not null)
        {
            using (frame)
            {
                Assert.Equal(w, frame.Width);
                Assert.Equal(h, frame.Height);
                Assert.True(frame.Stride > w * 3 && frame.Stride % 32 == 0); // padded rows, honoured below
                int maxDiff = 0;
                for (int y = 0; y < h; y++)
                {
                    var row = frame.Row(y);
                    var refRow = reference.AsSpan((n * h + y) * w * 3, w * 3);
                    for (int i = 0; i < row.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(row[i] - refRow[i]));
                }
                Assert.True(maxDiff <= 1, $"frame {n}: max difference {maxDiff} from ffmpeg's rgb24 conversion");
                n++;
            }
        }
        Assert.Equal(10, n);
    }

    [Fact]
    public void Full_range_jpeg_decodes_as_the_ffmpeg_tool_does()
    {
        var path = MediaFiles.Sample("messi5.jpg");
        var reference = MediaFiles.Tool("ffmpeg", "-v", "error", "-i", path, "-f", "rawvideo", "-pix_fmt", "rgb24", "-");
        using var source = VideoSource.Open(path);
        Assert.Equal("yuvj420p", source.Video.PixelFormat);
        using var frame = source.ReadFrame()!;
        int maxDiff = 0;
        for (int y = 0; y < frame.Height; y++)
        {
            var row = frame.Row(y);
            for (int i = 0; i < row.Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(row[i] - reference[y * frame.Width * 3 + i]));
        }
        Assert.True(maxDiff <= 1, $"max difference {maxDiff}");
    }

    [Fact]
    public void Known_colour_blocks_decode_to_their_rgb_values()
    {
        // 4 blocks of 32x32 (red, green, blue, a grey that changes per frame), H.264 4:2:0, lossless luma.
        using var dir = new TestData.TempDir();
        const int w = 64, h = 64, frames = 8;
        (byte R, byte G, byte B) Colour(int block, int k) => block switch
        {
            0 => (255, 0, 0), 1 => (0, 255, 0), 2 => (0, 0, 255), _ => ((byte)(40 + 25 * k), (byte)(40 + 25 * k), (byte)(40 + 25 * k)),
        };
        var raw = Enumerable.Range(0, frames).Select(k =>
        {
            var px = new byte[w * h * 3];
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                var (r, g, b) = Colour((y / 32) * 2 + x / 32, k);
                px[(y * w + x) * 3] = r; px[(y * w + x) * 3 + 1] = g; px[(y * w + x) * 3 + 2] = b;
            }
            return px;
        });
        MediaFiles.WriteRawRgb(dir.File("in.rgb"), raw);
        var clip = dir.File("blocks.mp4");
        MediaFiles.Tool("ffmpeg", "-v", "error", "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", $"{w}x{h}", "-r", "10", "-i", dir.File("in.rgb"),
            "-c:v", "libx264", "-qp", "0", "-pix_fmt", "yuv420p", clip);

        using var source = VideoSource.Open(clip);
        for (int k = 0; k < frames; k++)
        {
            using var frame = source.ReadFrame() ?? throw new Xunit.Sdk.XunitException($"only {k} frames");
            for (int block = 0; block < 4; block++)
            {
                int cx = (block % 2) * 32 + 16, cy = (block / 2) * 32 + 16;
                var px = frame.Row(cy).Slice(cx * 3, 3);
                var (r, g, b) = Colour(block, k);
                // Tolerance: RGB → limited-range BT.601 YUV → RGB rounds each channel; ±6 covers it for saturated colours.
                Assert.InRange(px[0], Math.Max(0, r - 6), Math.Min(255, r + 6));
                Assert.InRange(px[1], Math.Max(0, g - 6), Math.Min(255, g + 6));
                Assert.InRange(px[2], Math.Max(0, b - 6), Math.Min(255, b + 6));
            }
        }
        Assert.Null(source.ReadFrame());
    }

    [Fact]
    public void Seek_lands_on_the_first_frame_at_or_after_the_time_with_identical_pixels()
    {
        var path = MediaFiles.Sample("vtest.avi");
        byte[] expected;
        using (var sequential = VideoSource.Open(path))
        {
            for (int i = 0; i < 300; i++) sequential.ReadFrame()!.Dispose();
            using var f300 = sequential.ReadFrame()!;
            Assert.Equal(TimeSpan.FromSeconds(30), f300.Timestamp);
            expected = f300.Plane(0).ToArray();
        }

        using var source = VideoSource.Open(path);
        source.Seek(TimeSpan.FromSeconds(30));
        using var frame = source.ReadFrame()!;
        Assert.Equal(TimeSpan.FromSeconds(30), frame.Timestamp);
        Assert.Equal(300, frame.Index);
        Assert.Equal(expected, frame.Plane(0).ToArray());

        source.Seek(TimeSpan.FromSeconds(12.34));   // between frames: the next one at or after
        using var next = source.ReadFrame()!;
        Assert.Equal(TimeSpan.FromSeconds(12.4), next.Timestamp);
    }

    [Fact]
    public void Lavfi_input_by_format_name_is_a_live_like_source()
    {
        using var source = VideoSource.Open("testsrc2=size=320x240:rate=30", new VideoSourceOptions { InputFormat = "lavfi" });
        Assert.Equal("lavfi", source.Container.Format);
        for (int k = 0; k < 5; k++)
        {
            using var f = source.ReadFrame()!;
            Assert.Equal((320, 240), (f.Width, f.Height));
            Assert.Equal(k, f.Pts);
            Assert.Equal(new Rational(1, 30), f.TimeBase);
        }
    }

    [Fact]
    public void Yuv420p_output_keeps_the_planes_for_gpu_conversion()
    {
        using var source = VideoSource.Open("color=c=0x808080:size=64x48:rate=10", new VideoSourceOptions { InputFormat = "lavfi", OutputFormat = PixelFormat.Yuv420p });
        using var f = source.ReadFrame()!;
        Assert.Equal(64, f.PlaneStride(0));
        Assert.Equal(32, f.PlaneStride(1));
        Assert.Equal(64 * 48, f.Plane(0).Length);
        Assert.Equal(32 * 24, f.Plane(2).Length);
        Assert.All(f.Plane(0).ToArray(), y => Assert.InRange(y, 124, 128)); // mid grey in limited-range luma (16 + 128·219/255 ≈ 126)
        Assert.All(f.Plane(1).ToArray(), u => Assert.Equal(128, u));         // no chroma
    }

    [Fact]
    public void Frames_held_by_a_consumer_are_reused_once_returned()
    {
        using var source = VideoSource.Open(MediaFiles.Sample("vtest.avi"));
        var held = Enumerable.Range(0, 3).Select(_ => source.ReadFrame()!).ToList();
        Assert.Equal(3, source.Pool.Allocated);
        Assert.Equal(3, held.Select(f => f.Buffer).Distinct().Count());
        foreach (var f in held) f.Dispose();
        for (int i = 0; i < 20; i++) source.ReadFrame()!.Dispose();
        Assert.Equal(3, source.Pool.Allocated);
    }

    [Fact]
    public void Rotation_metadata_is_reported()
    {
        using var dir = new TestData.TempDir();
        var plain = dir.File("plain.mp4");
        var clip = dir.File("rotated.mp4");
        MediaFiles.Tool("ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=64x48:rate=10:duration=0.5", "-c:v", "libx264", plain);
        // FFmpeg 5.1 writes the display matrix for the rotate tag when remuxing (not when encoding).
        MediaFiles.Tool("ffmpeg", "-v", "error", "-i", plain, "-c", "copy", "-metadata:s:v:0", "rotate=90", clip);
        using (var unrotated = VideoSource.Open(plain)) Assert.Equal(0, unrotated.Video.Rotation);
        using var source = VideoSource.Open(clip);
        Assert.Equal(90, Math.Abs(source.Video.Rotation), 3);
    }
}
