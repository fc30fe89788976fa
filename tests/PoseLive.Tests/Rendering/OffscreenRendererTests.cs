using PoseLive.Interop.Egl;
using PoseLive.Interop.Gl;
using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Estimation;
using PoseLive.Pose.Geometry;
using PoseLive.Rendering;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Rendering;

/// <summary>
/// The GL renderer under EGL surfaceless (Mesa llvmpipe): known frames and poses in, pixels checked.
/// Each test writes its image as a PNG artefact under TestResults/renders for inspection.
/// </summary>
[Collection("gl")]
public class OffscreenRendererTests
{
    private const int W = 160, H = 120;

    private static VideoFrame Grey(byte level = 100)
    {
        var f = VideoFrame.CreateUnpooled(W, H, PixelFormat.Rgb24);
        Array.Fill(f.Buffer, level);   // includes the row padding: stride 480 → 480 (multiple of 32), fine either way
        return f;
    }

    private static byte[] Render(VideoFrame frame, RenderScene scene, string artefact)
    {
        using var renderer = new OffscreenRenderer(frame.Width, frame.Height, KeypointSchema.Coco17);
        byte[]? pixels = null;
        renderer.Render(frame, scene, 0, (px, _) => pixels = px.ToArray());
        renderer.Flush((px, _) => pixels = px.ToArray());
        var dir = Path.Combine(AppContext.BaseDirectory, "TestResults", "renders");
        Directory.CreateDirectory(dir);
        PngImage.Write(Path.Combine(dir, artefact + ".png"), pixels!, frame.Width * 4, frame.Width, frame.Height, PixelFormat.Rgba);
        return pixels!;
    }

    private static (byte R, byte G, byte B) At(byte[] rgba, int width, int x, int y) => (rgba[(y * width + x) * 4], rgba[(y * width + x) * 4 + 1], rgba[(y * width + x) * 4 + 2]);

    private static RenderPerson Person(int track, float dx, float score = 1f)
    {
        var kps = new Keypoint[17];
        for (int i = 0; i < 17; i++) kps[i] = new Keypoint(30 + dx + (i % 2) * 20, 10 + i * 6, score);
        return new RenderPerson(track, kps, new BoundingBox(25 + dx, 5, 30, 105), score);
    }

    [Fact]
    public void Joints_carry_their_track_colour_and_the_background_the_frame()
    {
        using var frame = Grey();
        var scene = new RenderScene([Person(3, 0), Person(7, 80)]);
        var px = Render(frame, scene, "joints");
        foreach (var (track, dx) in new[] { (3, 0f), (7, 80f) })
        {
            var expected = CpuOverlay.ColorFor(track);
            var k = Person(track, dx).Keypoints[5];
            var got = At(px, W, (int)k.X, (int)k.Y);
            Assert.True(Math.Abs(got.R - expected.R) <= 2 && Math.Abs(got.G - expected.G) <= 2 && Math.Abs(got.B - expected.B) <= 2,
                $"track {track} joint pixel {got} vs colour {expected}");
        }
        Assert.Equal(((byte)100, (byte)100, (byte)100), At(px, W, 5, 60));          // untouched frame
        Assert.Equal(((byte)100, (byte)100, (byte)100), At(px, W, 70, 100));
    }

    [Fact]
    public void Low_confidence_is_drawn_translucent_and_below_threshold_not_at_all()
    {
        using var frame = Grey(0);
        // one limb (left shoulder → left elbow) at confidence 0.5; every other keypoint missing
        var kps = Enumerable.Repeat(Keypoint.Missing, 17).ToArray();
        kps[5] = new Keypoint(20, 30, 0.5f);
        kps[7] = new Keypoint(20, 90, 0.5f);
        var half = new RenderPerson(1, kps, new BoundingBox(10, 20, 20, 80), 0.5f);
        var faint = Person(2, 80, score: 0.1f);                                       // below the 0.3 threshold
        var px = Render(frame, new RenderScene([half, faint]) { ShowBoxes = false }, "confidence");
        var c = CpuOverlay.ColorFor(1);
        var got = At(px, W, 20, 60);                                                   // the limb's middle: one layer
        Assert.InRange(got.R, c.R * 0.5 - 3, c.R * 0.5 + 3);                          // alpha 0.5 over black
        Assert.InRange(got.G, c.G * 0.5 - 3, c.G * 0.5 + 3);
        var f = faint.Keypoints[5];
        Assert.Equal(((byte)0, (byte)0, (byte)0), At(px, W, (int)f.X, (int)f.Y));
    }

    [Fact]
    public void Heatmap_overlay_peaks_where_the_heatmap_peaks()
    {
        using var frame = Grey(0);
        var crop = TopDownCrop.FromBox(new BoundingBox(40, 20, 60, 80), 64, 64, padding: 1);
        var hm = new float[16 * 16];
        for (int y = 0; y < 16; y++) for (int x = 0; x < 16; x++) hm[y * 16 + x] = (float)Math.Exp(-((x - 11) * (x - 11) + (y - 4) * (y - 4)) / 2.0);
        var person = new RenderPerson(0, Enumerable.Repeat(Keypoint.Missing, 17).ToArray(), new BoundingBox(40, 20, 60, 80), 1, new PersonHeatmap(hm, 16, 16, crop.InputToImage, 64, 64));
        var px = Render(frame, new RenderScene([person]) { ShowBoxes = false, ShowSkeletons = false }, "heatmap");
        int best = 0, bx = 0, by = 0;
        for (int y = 0; y < H; y++) for (int x = 0; x < W; x++) { var p = At(px, W, x, y); int v = p.R + p.G + p.B; if (v > best) { best = v; bx = x; by = y; } }
        var (ex, ey) = crop.InputToImage.Apply((11 + 0.5) * 4, (4 + 0.5) * 4);          // centre of cell (11, 4)
        Assert.True(Math.Abs(bx - ex) <= 3 && Math.Abs(by - ey) <= 3, $"overlay peak at ({bx},{by}), heatmap peak maps to ({ex:F1},{ey:F1})");
        Assert.Equal(((byte)0, (byte)0, (byte)0), At(px, W, 10, 10));               // outside the crop: untouched
    }

    [Fact]
    public void Yuv_planes_are_converted_on_the_gpu()
    {
        using var source = VideoSource.Open("color=c=0x3366CC:size=160x120:rate=10", new VideoSourceOptions { InputFormat = "lavfi", OutputFormat = PixelFormat.Yuv420p });
        using var yuv = source.ReadFrame()!;
        using var rgbSource = VideoSource.Open("color=c=0x3366CC:size=160x120:rate=10", new VideoSourceOptions { InputFormat = "lavfi" });
        using var rgb = rgbSource.ReadFrame()!;
        var px = Render(yuv, new RenderScene([]), "yuv");
        var expected = rgb.Row(60).Slice(80 * 3, 3).ToArray();                          // swscale's conversion of the same frame
        var got = At(px, W, 80, 60);
        Assert.True(Math.Abs(got.R - expected[0]) <= 3 && Math.Abs(got.G - expected[1]) <= 3 && Math.Abs(got.B - expected[2]) <= 3, $"{got} vs {string.Join(",", expected)}");
    }

    [Fact]
    public void Shader_compile_errors_name_the_file_and_line()
    {
        using var context = EglContext.Create();
        var e = Assert.Throws<RenderingException>(() => GlProgram.FromSources(context.Gl,
            ("ok.vert", "#version 450 core\nvoid main() { gl_Position = vec4(0.0); }\n"),
            ("broken.frag", "#version 450 core\nout vec4 c;\nvoid main() {\n  c = vec4(undefined_thing);\n}\n")));
        Assert.Contains("broken.frag:4:", e.Message);
        Assert.Contains("undefined_thing", e.Message);
    }
}
