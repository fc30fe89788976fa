using PoseLive.Detection;
using PoseLive.Synthetic;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Adaptation;

namespace PoseLive.Tests.Training.Adaptation;

[Collection("gl")]
public class FootageCropsTests
{
    private static CenterNetDetector HorseDetector()
    {
        var (card, onnx) = RealModels.Get("centernet");
        return new CenterNetDetector(card, onnx, classes: new HashSet<int> { Array.IndexOf(card.Classes!, "horse") });
    }

    [Fact]
    public void Rendered_horse_clips_become_tracked_crops_and_a_corrupt_file_is_skipped_and_named()
    {
        using var dir = new TestData.TempDir();
        var synth = Path.Combine(dir.Path, "synth");
        new SynthGenerator(new SynthOptions { Clips = 2, ClipSeconds = 1, Fps = 6, Style = SynthStyle.Photo, MinFill = 0.5, MaxFill = 0.8, Seed = 4 }, synth).Run();
        var footage = Path.Combine(synth, "images");
        File.WriteAllText(Path.Combine(footage, "broken.mp4"), "not a video");
        using var detector = HorseDetector();
        var warnings = new List<string>();
        var report = new FootageCrops(detector).Collect([footage], warnings.Add);
        // two image sequences (clip0000_*, clip0001_*) and the broken video
        Assert.Equal(3, report.Clips.Count);
        Assert.Contains(report.Skipped, s => s.Contains("broken.mp4"));
        Assert.Contains(warnings, w => w.Contains("broken.mp4"));
        Assert.Equal(12, report.Frames);
        Assert.True(report.Crops.Count >= 4, $"only {report.Crops.Count} horses found in 12 frames");
        // one horse per clip: consecutive detections of a clip link into few tracks, and the crops carry clip and frame
        foreach (var clip in report.Crops.GroupBy(c => c.Clip))
        {
            var pattern = report.Clips[clip.Key];                                   // e.g. …/images/clip0001*
            Assert.Matches(@"clip000[01]\*$", pattern);
            Assert.All(clip, c => Assert.StartsWith(pattern.TrimEnd('*'), c.Source));
            Assert.True(clip.Select(c => c.Track).Distinct().Count() <= 3, "a followed horse should keep its track");
            var frames = clip.Select(c => c.Frame).ToList();
            Assert.Equal(frames.Order(), frames);
        }
        var crop = report.Crops[0].CropBox();
        Assert.Equal(Math.Max(report.Crops[0].Box.Width, report.Crops[0].Box.Height) * 1.5, crop.Width, 3);
        Assert.Equal(report.Crops[0].Box.CenterX, crop.CenterX, 3);
    }

    [Fact]
    public void Footage_without_a_horse_or_without_media_is_a_clear_error()
    {
        using var detector = HorseDetector();
        var e = Assert.Throws<FootageException>(() => new FootageCrops(detector).Collect([MediaFiles.Sample("basketball1.png")]));
        Assert.Contains("no animal found in 1 frame of", e.Message);
        Assert.Contains("basketball1.png", e.Message);
        using var dir = new TestData.TempDir();
        File.WriteAllText(dir.File("notes.txt"), "nothing");
        Assert.Contains("a folder with no videos or images in it", Assert.Throws<FootageException>(() => new FootageCrops(detector).Collect([dir.Path])).Message);
        Assert.Contains("no such file or folder", Assert.Throws<FootageException>(() => new FootageCrops(detector).Collect([dir.File("missing.mp4")])).Message);
    }
}
