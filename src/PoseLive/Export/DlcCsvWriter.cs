using System.Globalization;
using System.Text;
using PoseLive.Coco;
using PoseLive.IO;

namespace PoseLive.Export;

/// <summary>
/// DeepLabCut's multi-animal CSV layout, so DLC users can load PoseLive's tracks with their tools: four header rows
/// (scorer / individuals / bodyparts / coords), then one row per frame indexed by frame number, with x, y and
/// likelihood for every individual (a track id, "track_N") and body part; empty cells where a track is absent or a
/// keypoint missing. Written atomically from an annotate dataset.
/// </summary>
public static class DlcCsvWriter
{
    public static void Write(string path, CocoDataset dataset, string scorer)
    {
        var category = dataset.Categories.FirstOrDefault(c => c.Keypoints.Length > 0)
            ?? throw new CocoFormatException($"{path}: the dataset has no keypoint category to write");
        var parts = category.Keypoints;
        var tracks = dataset.Annotations.Where(a => a.TrackId is not null).Select(a => a.TrackId!.Value).Distinct().Order().ToList();
        var column = tracks.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);
        var byImage = dataset.Annotations.Where(a => a.TrackId is not null).ToLookup(a => a.ImageId);
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        void Header(string label, Func<long, string, string, string> cell)
        {
            text.Append(label);
            foreach (var t in tracks)
                foreach (var part in parts)
                    foreach (var coord in new[] { "x", "y", "likelihood" })
                        text.Append(',').Append(cell(t, part, coord));
            text.Append('\n');
        }
        Header("scorer", (_, _, _) => scorer);
        Header("individuals", (t, _, _) => $"track_{t.ToString(inv)}");
        Header("bodyparts", (_, p, _) => p);
        Header("coords", (_, _, c) => c);
        int width = tracks.Count * parts.Length * 3;
        var row = new string[width];
        foreach (var image in dataset.Images.OrderBy(i => i.FrameIndex ?? i.Id))
        {
            Array.Fill(row, "");
            foreach (var a in byImage[image.Id])
            {
                int baseColumn = column[a.TrackId!.Value] * parts.Length * 3;
                for (int k = 0; k < parts.Length; k++)
                {
                    float x = a.Keypoints[3 * k], y = a.Keypoints[3 * k + 1];
                    float likelihood = a.KeypointScores?[k] ?? (a.Keypoints[3 * k + 2] > 0 ? 1 : 0);
                    if (x == 0 && y == 0 && likelihood == 0) continue;                // missing
                    row[baseColumn + 3 * k] = x.ToString("R", inv);
                    row[baseColumn + 3 * k + 1] = y.ToString("R", inv);
                    row[baseColumn + 3 * k + 2] = likelihood.ToString("R", inv);
                }
            }
            text.Append((image.FrameIndex ?? image.Id).ToString(inv));
            foreach (var cell in row) text.Append(',').Append(cell);
            text.Append('\n');
        }
        AtomicFile.WriteAllBytes(path, Encoding.UTF8.GetBytes(text.ToString()));
    }
}
