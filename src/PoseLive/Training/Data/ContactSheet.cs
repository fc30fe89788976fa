using PoseLive.Media;
using PoseLive.Pose;

namespace PoseLive.Training.Data;

/// <summary>
/// A contact sheet of augmented training samples, as MMPose's browse_dataset shows them: each tile is the network
/// input (normalisation undone), the target heatmaps (maximum over keypoints, upsampled, in a hot colour map)
/// blended over it, the skeleton and the keypoints the targets were encoded from; flipped samples get a marker in the
/// corner. The first thing to look at when training goes wrong.
/// </summary>
public static class ContactSheet
{
    /// <summary>Draws samples 0..count of <paramref name="epoch"/> (the loader's order) into a PNG at <paramref name="path"/>.</summary>
    public static void Write(string path, KeypointDataset data, TopDownSampler sampler, ImageStore store, int count, long epoch = 0, int columns = 0)
    {
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), "at least one sample");
        count = Math.Min(count, data.Instances.Count);
        int w = sampler.InputWidth, h = sampler.InputHeight, k = sampler.Schema.Count;
        var codec = sampler.Codec;
        int hw = codec.HeatmapWidth, hh = codec.HeatmapHeight, cpk = codec.ChannelsPerKeypoint;
        columns = columns > 0 ? columns : (int)Math.Ceiling(Math.Sqrt(count));
        int rows = (count + columns - 1) / columns, gap = 4, sheetW = columns * (w + gap) + gap, sheetH = rows * (h + gap) + gap, stride = sheetW * 3;
        var sheet = new byte[stride * sheetH];
        Array.Fill(sheet, (byte)32);
        var input = new float[sampler.ImageValues];
        var target = new float[sampler.TargetValues];
        var weights = new float[k];
        var keypoints = new Keypoint[k];
        var order = SampleRandom.Permutation(sampler.Seed, epoch, data.Instances.Count);
        for (int n = 0; n < count; n++)
        {
            int index = order[n];
            var instance = data.Instances[index];
            var g = sampler.Build(instance, store.Get(instance.Image), epoch, index, input, target, weights, keypoints);
            int ox = gap + (n % columns) * (w + gap), oy = gap + (n / columns) * (h + gap);
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                float heat = 0;
                int hx = Math.Min(hw - 1, x * hw / w), hy = Math.Min(hh - 1, y * hh / h);
                for (int j = 0; j < k; j++) heat = Math.Max(heat, target[(j * cpk) * hw * hh + hy * hw + hx]);
                int o = (oy + y) * stride + (ox + x) * 3;
                for (int c = 0; c < 3; c++)
                {
                    var (source, scale, offset) = sampler.Normalization.Channel(c);
                    float pixel = (input[c * w * h + y * w + x] - offset) / scale; // undo the normalisation
                    var (hr, hg, hb) = Hot(heat);
                    float hotValue = source == 0 ? hr : source == 1 ? hg : hb;
                    float blended = pixel * (1 - 0.6f * heat) + hotValue * 0.6f * heat;
                    sheet[o + source] = (byte)Math.Clamp(blended, 0, 255);
                }
            }
            foreach (var (a, b) in sampler.Schema.Skeleton)
                if (!keypoints[a].IsMissing && !keypoints[b].IsMissing)
                    Line(sheet, stride, ox, oy, w, h, keypoints[a], keypoints[b], (200, 200, 200));
            for (int j = 0; j < k; j++)
                if (!keypoints[j].IsMissing) Dot(sheet, stride, ox, oy, w, h, keypoints[j], Rendering.CpuOverlay.ColorFor(j), weights[j] > 0);
            if (g.Flipped)
                for (int y = 0; y < 6; y++) for (int x = 0; x < 6; x++) { int o = (oy + y) * stride + (ox + w - 6 + x) * 3; sheet[o] = 255; sheet[o + 1] = 255; sheet[o + 2] = 0; }
        }
        PngImage.Write(path, sheet, stride, sheetW, sheetH, PixelFormat.Rgb24);
    }

    private static (float, float, float) Hot(float v) => (Math.Clamp(v * 3, 0, 1) * 255, Math.Clamp(v * 3 - 1, 0, 1) * 255, Math.Clamp(v * 3 - 2, 0, 1) * 255);

    private static void Dot(byte[] sheet, int stride, int ox, int oy, int w, int h, Keypoint p, (byte R, byte G, byte B) color, bool filled)
    {
        int cx = (int)Math.Round(p.X), cy = (int)Math.Round(p.Y);
        for (int y = -3; y <= 3; y++)
        for (int x = -3; x <= 3; x++)
        {
            int d = x * x + y * y;
            if (d > 9 || (!filled && d < 4)) continue;
            int px = cx + x, py = cy + y;
            if ((uint)px >= (uint)w || (uint)py >= (uint)h) continue;
            int o = (oy + py) * stride + (ox + px) * 3;
            (sheet[o], sheet[o + 1], sheet[o + 2]) = color;
        }
    }

    private static void Line(byte[] sheet, int stride, int ox, int oy, int w, int h, Keypoint a, Keypoint b, (byte R, byte G, byte B) color)
    {
        int steps = (int)Math.Ceiling(Math.Max(Math.Abs(b.X - a.X), Math.Abs(b.Y - a.Y))) + 1;
        for (int i = 0; i <= steps; i++)
        {
            int x = (int)Math.Round(a.X + (b.X - a.X) * i / steps), y = (int)Math.Round(a.Y + (b.Y - a.Y) * i / steps);
            if ((uint)x >= (uint)w || (uint)y >= (uint)h) continue;
            int o = (oy + y) * stride + (ox + x) * 3;
            (sheet[o], sheet[o + 1], sheet[o + 2]) = color;
        }
    }
}
