using PoseLive.Coco;
using PoseLive.Estimation;
using PoseLive.Interop.OpenCv;
using PoseLive.IO;
using PoseLive.Media;
using PoseLive.Pose;
using PoseLive.Rendering;

namespace PoseLive.Synthetic;

/// <summary>A grid of a dataset's images (evenly spread), each with its label box and skeleton drawn, as one PNG.</summary>
public static class SynthContactSheet
{
    public static void Write(string path, string root, CocoDataset data, int count, int columns = 4, int tileWidth = 320)
    {
        var annotated = data.Annotations.ToDictionary(a => a.ImageId);
        var images = data.Images.Where(i => annotated.ContainsKey(i.Id)).ToList();
        if (images.Count == 0) return;
        int n = Math.Min(count, images.Count);
        var chosen = Enumerable.Range(0, n).Select(k => images[(int)((long)k * images.Count / n)]).ToList();
        int tileHeight = (int)Math.Round((double)tileWidth * chosen[0].Height / chosen[0].Width);
        int rows = (n + columns - 1) / columns;
        int sheetW = columns * tileWidth, sheetH = rows * tileHeight;
        var sheet = new byte[sheetW * sheetH * 3];
        var overlay = new CpuOverlay(KeypointSchema.Quadruped18) { MinScore = 0.5f };
        for (int k = 0; k < n; k++)
        {
            var image = chosen[k];
            using var source = VideoSource.Open(Path.Combine(root, image.FileName));
            using var frame = source.ReadFrame() ?? throw new MediaException(image.FileName, "holds no image");
            var rgb = frame.Plane(0).ToArray();
            var a = annotated[image.Id];
            var keypoints = new Keypoint[a.Keypoints.Length / 3];
            for (int i = 0; i < keypoints.Length; i++)
                keypoints[i] = a.Keypoints[3 * i + 2] > 0 ? new Keypoint(a.Keypoints[3 * i], a.Keypoints[3 * i + 1], 1) : Keypoint.Missing;
            overlay.Draw(rgb, frame.Width, frame.Height, frame.Stride, [new PersonPose(keypoints, a.Box, 1, 1)]);
            var tile = OpenCvImage.Resize(rgb, frame.Width, frame.Height, frame.Stride, tileWidth, tileHeight);
            int x0 = k % columns * tileWidth, y0 = k / columns * tileHeight;
            for (int y = 0; y < tileHeight; y++)
                tile.AsSpan(y * tileWidth * 3, tileWidth * 3).CopyTo(sheet.AsSpan(((y0 + y) * sheetW + x0) * 3));
        }
        AtomicFile.WriteAllBytes(path, OpenCvImage.Encode(sheet, sheetW, sheetH, jpeg: false));
    }
}
