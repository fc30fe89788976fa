using PoseLive.Coco;
using PoseLive.Media;
using PoseLive.Pose;

namespace PoseLive.Tests.TestSupport;

/// <summary>
/// Small keypoint datasets the tests generate: one "person" per image whose 17 keypoints are drawn as discs of distinct,
/// saturated colours (keypoint j has hue j/17) on a grey background, laid out on a jittered grid inside a box; written
/// as PNG files plus a COCO keypoint JSON (all keypoints visible), or as frames of an H.264 video with a
/// `video#frame` dataset as `poselive annotate` writes it.
/// </summary>
internal static class SyntheticPoseData
{
    public const int DiscRadius = 3;

    public static (byte R, byte G, byte B) ColorOf(int keypoint)
    {
        double hue = keypoint / 17.0 * 6;
        int sector = (int)hue;
        double f = hue - sector;
        byte v = 255, p = 0, q = (byte)(255 * (1 - f)), t = (byte)(255 * f);
        return (sector % 6) switch { 0 => (v, t, p), 1 => (q, v, p), 2 => (p, v, t), 3 => (p, q, v), 4 => (t, p, v), _ => (v, p, q) };
    }

    /// <summary>Keypoints (x, y, v = 2) of image <paramref name="index"/>: a 5 × 4 grid over a box, jittered.</summary>
    public static float[] KeypointsOf(int index, int width, int height)
    {
        var rng = new Random(1000 + index);
        double bw = width * (0.55 + 0.2 * rng.NextDouble()), bh = height * (0.55 + 0.2 * rng.NextDouble());
        double x0 = (width - bw) * rng.NextDouble(), y0 = (height - bh) * rng.NextDouble();
        var k = new float[17 * 3];
        for (int j = 0; j < 17; j++)
        {
            int gx = j % 4, gy = j / 4;
            k[3 * j] = (float)(x0 + bw * (gx + 0.5 + 0.3 * (rng.NextDouble() - 0.5)) / 4);
            k[3 * j + 1] = (float)(y0 + bh * (gy + 0.5 + 0.3 * (rng.NextDouble() - 0.5)) / 5);
            k[3 * j + 2] = 2;
        }
        return k;
    }

    public static byte[] Render(float[] keypoints, int width, int height, int seed)
    {
        var rng = new Random(seed);
        var rgb = new byte[width * height * 3];
        for (int i = 0; i < rgb.Length; i++) rgb[i] = (byte)(110 + rng.Next(20));
        for (int j = 0; j < keypoints.Length / 3; j++)
        {
            var (r, g, b) = ColorOf(j);
            int cx = (int)Math.Round(keypoints[3 * j]), cy = (int)Math.Round(keypoints[3 * j + 1]);
            for (int y = cy - DiscRadius; y <= cy + DiscRadius; y++)
            for (int x = cx - DiscRadius; x <= cx + DiscRadius; x++)
            {
                if ((uint)x >= (uint)width || (uint)y >= (uint)height || (x - cx) * (x - cx) + (y - cy) * (y - cy) > DiscRadius * DiscRadius) continue;
                int o = (y * width + x) * 3;
                (rgb[o], rgb[o + 1], rgb[o + 2]) = (r, g, b);
            }
        }
        return rgb;
    }

    private static CocoAnnotation Annotation(long id, long imageId, float[] k)
    {
        float x0 = float.MaxValue, y0 = float.MaxValue, x1 = float.MinValue, y1 = float.MinValue;
        for (int j = 0; j < 17; j++) { x0 = Math.Min(x0, k[3 * j]); x1 = Math.Max(x1, k[3 * j]); y0 = Math.Min(y0, k[3 * j + 1]); y1 = Math.Max(y1, k[3 * j + 1]); }
        var box = new BoundingBox(x0 - 8, y0 - 8, x1 - x0 + 16, y1 - y0 + 16);
        return new CocoAnnotation(id, imageId, 1, k, 17, box, box.Area, false);
    }

    /// <summary>Writes <paramref name="count"/> PNG images and dataset.json into <paramref name="directory"/>; returns the JSON path.</summary>
    public static string WriteStills(string directory, int count, int width = 128, int height = 128, int firstIndex = 0)
    {
        Directory.CreateDirectory(Path.Combine(directory, "images"));
        var images = new List<CocoImage>();
        var annotations = new List<CocoAnnotation>();
        for (int i = 0; i < count; i++)
        {
            int index = firstIndex + i;
            var k = KeypointsOf(index, width, height);
            var name = $"images/img{index:D4}.png";
            PngImage.Write(Path.Combine(directory, name), Render(k, width, height, index), width * 3, width, height, PixelFormat.Rgb24);
            images.Add(new CocoImage(index + 1, name, width, height));
            annotations.Add(Annotation(index + 1, index + 1, k));
        }
        var json = Path.Combine(directory, "dataset.json");
        CocoWriter.WriteGroundTruth(json, new CocoDataset(images, annotations, [CocoCategory.FromSchema(KeypointSchema.Coco17)]));
        return json;
    }

    /// <summary>Writes an H.264 clip of <paramref name="frames"/> frames (10 fps) and its `clip.mp4#frame` dataset; returns the JSON path.</summary>
    public static string WriteVideo(string directory, int frames, int width = 128, int height = 96)
    {
        var video = Path.Combine(directory, "clip.mp4");
        var images = new List<CocoImage>();
        var annotations = new List<CocoAnnotation>();
        using (var encoder = VideoEncoder.Create(video, width, height, new VideoEncoderOptions { Crf = 10, FrameRate = new Rational(10, 1), TimeBase = new Rational(1, 10) }))
        {
            for (int f = 0; f < frames; f++)
            {
                var k = KeypointsOf(f, width, height);
                encoder.Write(Render(k, width, height, f), width * 3, PixelFormat.Rgb24, f);
                images.Add(new CocoImage(f + 1, $"clip.mp4#{f}", width, height) { FrameIndex = f, Timestamp = f / 10.0 });
                annotations.Add(Annotation(f + 1, f + 1, k));
            }
            encoder.Finish();
        }
        var json = Path.Combine(directory, "clip.coco.json");
        CocoWriter.WriteGroundTruth(json, new CocoDataset(images, annotations, [CocoCategory.FromSchema(KeypointSchema.Coco17)]));
        return json;
    }
}
