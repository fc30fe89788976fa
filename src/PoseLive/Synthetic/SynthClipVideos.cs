using PoseLive.Coco;
using PoseLive.Media;

namespace PoseLive.Synthetic;

/// <summary>
/// Turns a clip dataset's image sequences into videos, as footage arrives in practice: videos/clipNNNN.mp4 (H.264, the
/// clip's frame rate) and, beside each, clipNNNN.coco.json — the clip's labels keyed the way `poselive annotate` keys its
/// output (file "clipNNNN.mp4#FRAME", image id = frame + 1), so `poselive eval --gt clipNNNN.coco.json --dt
/// clipNNNN.results.json` scores an annotation of the video against the truth.
/// </summary>
public static class SynthClipVideos
{
    public const string Folder = "videos";

    /// <summary>Writes every clip of the dataset in <paramref name="dataset"/>; returns the video paths.</summary>
    public static IReadOnlyList<string> Write(string dataset, double fps)
    {
        var gt = CocoReader.ReadGroundTruth(Path.Combine(dataset, SynthGenerator.AnnotationsName));
        var clips = gt.Images.Where(i => i.VideoId is not null).GroupBy(i => i.VideoId!.Value).OrderBy(g => g.Key).ToList();
        if (clips.Count == 0) throw new SynthException($"{dataset}: not a clip dataset (no image has a video_id); make it with --clips");
        var folder = Path.Combine(dataset, Folder);
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        var rate = new Rational((int)Math.Round(fps * 1000), 1000);
        foreach (var clip in clips)
        {
            var frames = clip.OrderBy(i => i.FrameIndex).ToList();
            string name = $"clip{clip.Key:D4}";
            string video = Path.Combine(folder, name + ".mp4");
            using (var encoder = VideoEncoder.Create(video, frames[0].Width, frames[0].Height, new VideoEncoderOptions { FrameRate = rate, Crf = 18 }))
            {
                foreach (var image in frames)
                {
                    using var source = VideoSource.Open(Path.Combine(dataset, image.FileName));
                    using var frame = source.ReadFrame() ?? throw new MediaException(image.FileName, "holds no image");
                    encoder.Write(frame.Plane(0), frame.Stride, frame.Format, (long)Math.Round(image.FrameIndex!.Value * 1000 / fps));
                }
                encoder.Finish();
            }
            var ids = frames.ToDictionary(i => i.Id, i => i.FrameIndex!.Value + 1);
            var images = frames.Select(i => new CocoImage(i.FrameIndex!.Value + 1, $"{name}.mp4#{i.FrameIndex}", i.Width, i.Height)
            {
                VideoId = clip.Key, FrameIndex = i.FrameIndex, Timestamp = i.FrameIndex!.Value / fps,
            }).ToList();
            var annotations = gt.Annotations.Where(a => ids.ContainsKey(a.ImageId)).Select((a, n) => a with { Id = n + 1, ImageId = ids[a.ImageId] }).ToList();
            CocoWriter.WriteGroundTruth(Path.Combine(folder, name + ".coco.json"), new CocoDataset(images, annotations, gt.Categories));
            written.Add(video);
        }
        return written;
    }
}
