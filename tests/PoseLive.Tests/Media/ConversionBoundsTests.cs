using PoseLive.Interop.Av;
using PoseLive.Media;

namespace PoseLive.Tests.Media;

/// <summary>
/// swscale writes into PoseLive's managed frame buffers; a byte past a plane's slack would corrupt the managed heap
/// (this is how a test host once crashed in the GC). Every output format at many odd and even sizes is converted
/// into planes laid out as the frame pool lays them out, each followed by canary bytes.
/// </summary>
public class ConversionBoundsTests
{
    private const int Canary = 256;

    private static AvSource OpenTestPattern(int w, int h) =>
        AvSource.Open($"testsrc2=size={w}x{h}:rate=10:duration=0.1,format=yuv420p", "lavfi", new Dictionary<string, string>(), 1, "lavfi");

    [Fact]
    public void The_frame_layout_reserves_the_slack_the_converter_demands()
    {
        Assert.Equal(PixelFormats.PlanePadding, AvSource.ConversionPadding);
        using var frame = VideoFrame.CreateUnpooled(21, 6, PixelFormat.Yuv420p);
        Assert.Equal(Enumerable.Range(0, 3).Sum(p => PixelFormat.Yuv420p.PlaneBytes(p, 21, 6) + PixelFormats.PlanePadding), frame.Buffer.Length);
        Assert.Equal(32 * 6, frame.Plane(0).Length); // the public plane view stays stride × rows
    }

    [Theory]
    [InlineData(PixelFormat.Rgb24)]
    [InlineData(PixelFormat.Bgr24)]
    [InlineData(PixelFormat.Rgba)]
    [InlineData(PixelFormat.Yuv420p)]
    public void Conversion_stays_inside_each_plane_and_its_slack(PixelFormat format)
    {
        var failures = new List<string>();
        int[] widths = [.. Enumerable.Range(2, 71), 85, 117, 149, 641, 693];
        foreach (int w in widths)
            foreach (int h in new[] { 6, 7 })
            {
                using var source = OpenTestPattern(w, h);
                Assert.True(source.Next(out _));
                int planes = format.PlaneCount();
                var room = Enumerable.Range(0, planes).Select(p => format.PlaneBytes(p, w, h) + PixelFormats.PlanePadding).ToArray();
                var buffer = new byte[room.Sum() + Canary * planes];
                Array.Fill(buffer, (byte)0xAB);
                var offsets = new int[planes];
                for (int p = 1; p < planes; p++) offsets[p] = offsets[p - 1] + room[p - 1] + Canary;
                Span<byte> Plane(int p) => p < planes ? buffer.AsSpan(offsets[p], room[p]) : default;
                int Stride(int p) => p < planes ? format.PlaneStride(p, w, h) : 0;
                source.Convert(AvSource.PixelFormatId(format.FfmpegName()), w, h, Plane(0), Stride(0), Plane(1), Stride(1), Plane(2), Stride(2));
                for (int p = 0; p < planes; p++)
                    if (buffer.AsSpan(offsets[p] + room[p], Canary).LastIndexOfAnyExcept((byte)0xAB) is int i and >= 0)
                        failures.Add($"{w}x{h} plane {p}: {i + 1} bytes past the slack written");
            }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void A_plane_without_the_slack_is_refused_before_anything_is_written()
    {
        using var source = OpenTestPattern(10, 6);
        Assert.True(source.Next(out _));
        int stride = PixelFormat.Rgb24.PlaneStride(0, 10, 6);
        var exact = new byte[stride * 6];
        var e = Assert.Throws<MediaException>(() => source.Convert(AvSource.PixelFormatId("rgb24"), 10, 6, exact, stride));
        Assert.Contains("slack", e.Message);
        Assert.All(exact, b => Assert.Equal(0, b));
    }
}
