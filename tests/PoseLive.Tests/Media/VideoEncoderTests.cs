using PoseLive.Media;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Media;

/// <summary>H.264 MP4 and PNG encoding: round trips through the decoder, atomic output.</summary>
public class VideoEncoderTests
{
    private static byte[] Gradient(int w, int h, int stride, int k)
    {
        var px = new byte[stride * h];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int o = y * stride + x * 3;
            // smooth, moving colour waves (no hard edges: 4:2:0 chroma would blur those regardless of the codec)
            px[o] = (byte)(128 + 100 * Math.Sin(x / 15.0 + k / 3.0));
            px[o + 1] = (byte)(128 + 100 * Math.Sin(y / 13.0 - k / 4.0));
            px[o + 2] = (byte)(128 + 100 * Math.Sin((x + y + k * 4) / 20.0));
        }
        return px;
    }

    [Fact]
    public void Encode_then_decode_keeps_frame_count_timestamps_and_quality()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("round.mp4");
        const int w = 160, h = 120, stride = 160 * 3 + 32;
        long[] pts = [0, 40, 80, 120, 200, 240, 280, 333, 366, 400, 480, 520, 560, 600, 640, 700, 740, 780, 820, 860]; // variable frame rate (ms)
        var frames = pts.Select((_, k) => Gradient(w, h, stride, k)).ToArray();
        using (var encoder = VideoEncoder.Create(path, w, h, new VideoEncoderOptions { Crf = 12, FrameRate = new Rational(25, 1) }))
        {
            for (int k = 0; k < pts.Length; k++) encoder.Write(frames[k], stride, PixelFormat.Rgb24, pts[k]);
            Assert.False(File.Exists(path));   // nothing under the final name until finished
            encoder.Finish();
        }
        Assert.True(File.Exists(path));
        Assert.Empty(Directory.GetFiles(dir.Path, "*.partial"));

        using var source = VideoSource.Open(path);
        Assert.Equal("h264", source.Video.Codec);
        int n = 0;
        double worstPsnr = double.PositiveInfinity;
        VideoFrame? f;
        while ((f = source.ReadFrame()) is not null)
        {
            using (f)
            {
                Assert.Equal(TimeSpan.FromMilliseconds(pts[n]), f.Timestamp);
                var decoded = new byte[w * h * 3];
                var original = new byte[w * h * 3];
                for (int y = 0; y < h; y++)
                {
                    f.Row(y).CopyTo(decoded.AsSpan(y * w * 3));
                    frames[n].AsSpan(y * stride, w * 3).CopyTo(original.AsSpan(y * w * 3));
                }
                worstPsnr = Math.Min(worstPsnr, MediaFiles.Psnr(original, decoded));
                n++;
            }
        }
        Assert.Equal(pts.Length, n);
        Assert.True(worstPsnr > 35, $"worst PSNR {worstPsnr:F1} dB");
    }

    [Fact]
    public void Odd_size_is_encoded_at_the_next_even_size()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("odd.mp4");
        using (var encoder = VideoEncoder.Create(path, 641, 481))
        {
            var px = new byte[641 * 4 * 481];
            for (int k = 0; k < 3; k++) encoder.Write(px, 641 * 4, PixelFormat.Rgba, k * 33);
            encoder.Finish();
        }
        using var source = VideoSource.Open(path);
        Assert.Equal((642, 482), (source.Video.Width, source.Video.Height));
    }

    [Fact]
    public void Disposing_without_finishing_leaves_no_file()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("abandoned.mp4");
        using (var encoder = VideoEncoder.Create(path, 64, 48))
            encoder.Write(new byte[64 * 48 * 3], 64 * 3, PixelFormat.Rgb24, 0);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Unwritable_destination_and_bad_timestamps_are_clear_errors()
    {
        var e = Assert.Throws<MediaException>(() => VideoEncoder.Create("/nonexistent/dir/out.mp4", 64, 48));
        Assert.Contains("/nonexistent/dir", e.Message);
        using var dir = new TestData.TempDir();
        using var encoder = VideoEncoder.Create(dir.File("x.mp4"), 64, 48);
        encoder.Write(new byte[64 * 48 * 3], 64 * 3, PixelFormat.Rgb24, 10);
        Assert.Throws<ArgumentException>(() => encoder.Write(new byte[64 * 48 * 3], 64 * 3, PixelFormat.Rgb24, 10));
        Assert.Throws<ArgumentException>(() => encoder.Write(new byte[10], 64 * 3, PixelFormat.Rgb24, 20));
    }

    [Fact]
    public void Png_still_round_trips_exactly()
    {
        using var dir = new TestData.TempDir();
        const int w = 37, h = 23, stride = 37 * 3 + 5;
        var px = Gradient(w, h, stride, 3);
        var path = dir.File("still.png");
        PngImage.Write(path, px, stride, w, h, PixelFormat.Rgb24);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(path).Take(4).ToArray());

        using var source = VideoSource.Open(path);
        using var f = source.ReadFrame()!;
        Assert.Equal((w, h), (f.Width, f.Height));
        for (int y = 0; y < h; y++) Assert.Equal(px.AsSpan(y * stride, w * 3).ToArray(), f.Row(y).ToArray());
    }
}
