using PoseLive.Coco;
using PoseLive.Synthetic;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Synthetic;

[Collection("gl")]
public class SynthGeneratorTests
{
    private static SynthOptions Small(SynthStyle style = SynthStyle.Basic, ulong seed = 5) => new()
    {
        Count = 8, Width = 320, Height = 240, Style = style, Seed = seed, ImagesPerAnimal = 4,
    };

    private static Dictionary<string, byte[]> Files(string dir) =>
        Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Where(f => !f.EndsWith("contact.png"))
            .ToDictionary(f => Path.GetRelativePath(dir, f), File.ReadAllBytes);

    [Fact]
    public void The_same_seed_gives_byte_identical_images_and_json_and_another_seed_does_not()
    {
        using var a = new TestData.TempDir();
        using var b = new TestData.TempDir();
        using var c = new TestData.TempDir();
        var photo = Small(SynthStyle.Photo);
        new SynthGenerator(photo, a.Path).Run();
        new SynthGenerator(photo, b.Path).Run();
        new SynthGenerator(photo with { Seed = 6 }, c.Path).Run();
        var fa = Files(a.Path);
        var fb = Files(b.Path);
        Assert.Equal(8 + 2, fa.Count);                                            // 8 images, annotations.json, labels.jsonl
        Assert.Equal(fa.Keys.Order(), fb.Keys.Order());
        foreach (var (name, bytes) in fa) Assert.True(bytes.AsSpan().SequenceEqual(fb[name]), $"{name} differs between two runs of one seed");
        var fc = Files(c.Path);
        Assert.False(fa["images/000000.jpg"].AsSpan().SequenceEqual(fc["images/000000.jpg"]));
    }

    [Fact]
    public void The_dataset_is_coco_keypoints_of_the_quadruped18_horse_and_every_image_keeps_six_visible_keypoints()
    {
        using var dir = new TestData.TempDir();
        var result = new SynthGenerator(Small() with { Masks = true }, dir.Path).Run();
        var data = CocoReader.ReadGroundTruth(result.Annotations);
        Assert.Equal(8, data.Images.Count);
        Assert.Equal(8, data.Annotations.Count);
        var category = Assert.Single(data.Categories);
        Assert.Equal("horse", category.Name);
        Assert.Equal(PoseLive.Pose.KeypointSchema.Quadruped18.Keypoints, category.Keypoints);
        Assert.Equal("withers", category.Keypoints[17]);
        foreach (var a in data.Annotations)
        {
            var image = data.Images.Single(i => i.Id == a.ImageId);
            Assert.True(File.Exists(Path.Combine(dir.Path, image.FileName)));
            int visible = Enumerable.Range(0, 18).Count(k => a.Keypoints[3 * k + 2] == 2);
            Assert.True(visible >= 6, $"image {image.FileName}: {visible} visible keypoints");
            Assert.Equal(visible, a.NumKeypoints);
            Assert.All(Enumerable.Range(0, 18), k => Assert.Contains(a.Keypoints[3 * k + 2], new[] { 0f, 2f }));
            Assert.True(a.Box.Width > 10 && a.Box.Height > 10 && a.Area > 0 && a.Area <= a.Box.Area);
            // the silhouette mask: its pixels are the area, its extent the box
            using (var source = PoseLive.Media.VideoSource.Open(Path.Combine(dir.Path, "masks", Path.GetFileNameWithoutExtension(image.FileName) + ".png")))
            using (var mask = source.ReadFrame()!)
            {
                int on = 0, x0 = int.MaxValue, x1 = -1;
                for (int y = 0; y < mask.Height; y++)
                    for (int x = 0; x < mask.Width; x++)
                        if (mask.Plane(0)[y * mask.Stride + 3 * x] > 127) { on++; x0 = Math.Min(x0, x); x1 = Math.Max(x1, x); }
                Assert.Equal(a.Area, on);
                Assert.Equal(a.Box.X, x0 - 0.5f);
                Assert.Equal(a.Box.Right, x1 + 0.5f);
            }
            Assert.NotNull(a.ProjectedKeypoints);
            for (int k = 0; k < 18; k++)
                if (a.Keypoints[3 * k + 2] == 2)
                {
                    Assert.Equal(a.ProjectedKeypoints![3 * k], a.Keypoints[3 * k], 3);
                    Assert.InRange(a.Keypoints[3 * k], a.Box.X - 2, a.Box.Right + 2);   // a point on the skin may fall just beside the rasterised silhouette
                }
        }
    }

    [Fact]
    public void Clips_are_continuous_one_animal_per_clip_with_frame_indices()
    {
        using var dir = new TestData.TempDir();
        var options = Small() with { Clips = 2, ClipSeconds = 0.4, Fps = 10 };
        var result = new SynthGenerator(options, dir.Path).Run();
        var data = CocoReader.ReadGroundTruth(result.Annotations);
        Assert.Equal(8, data.Images.Count);
        Assert.Equal(new long?[] { 0, 0, 0, 0, 1, 1, 1, 1 }, data.Images.Select(i => i.VideoId).ToArray());
        Assert.Equal(new long?[] { 0, 1, 2, 3, 0, 1, 2, 3 }, data.Images.Select(i => i.FrameIndex).ToArray());
        // consecutive frames: the withers moves a little (the animal and its gait advance; the camera follows)
        var records = File.ReadLines(Path.Combine(dir.Path, SynthGenerator.JournalName)).Skip(1).Select(SynthRecord.Parse).ToList();
        for (int f = 1; f < 4; f++)
        {
            float dx = records[f]!.Projected[3 * 17] - records[f - 1]!.Projected[3 * 17], dy = records[f]!.Projected[3 * 17 + 1] - records[f - 1]!.Projected[3 * 17 + 1];
            Assert.InRange(Math.Sqrt(dx * dx + dy * dy), 0, 40);
            Assert.Equal(records[0]!.Gait, records[f]!.Gait);
            Assert.Equal(records[0]!.Animal, records[f]!.Animal);
        }
    }

    [Fact]
    public void A_killed_run_resumes_to_the_same_files_and_its_json_never_names_a_missing_image()
    {
        using var whole = new TestData.TempDir();
        using var cut = new TestData.TempDir();
        var options = Small();
        new SynthGenerator(options, whole.Path).Run();
        new SynthGenerator(options, cut.Path).Run();
        // as if killed after image 4 was renamed into place but before its journal line was complete
        var journal = Path.Combine(cut.Path, SynthGenerator.JournalName);
        var lines = File.ReadAllLines(journal);
        File.WriteAllText(journal, string.Join('\n', lines.Take(5)) + "\n" + lines[5][..20]);
        foreach (var f in new[] { "images/000005.jpg", "images/000006.jpg", "images/000007.jpg" }) File.Delete(Path.Combine(cut.Path, f));
        File.Delete(Path.Combine(cut.Path, SynthGenerator.AnnotationsName));
        var result = new SynthGenerator(options, cut.Path).Run();
        Assert.Equal(4, result.Resumed);
        var a = Files(whole.Path);
        var b = Files(cut.Path);
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        foreach (var (name, bytes) in a) Assert.True(bytes.AsSpan().SequenceEqual(b[name]), $"{name} differs after resuming");
        // other settings in the same folder are refused rather than mixed in
        var e = Assert.Throws<SynthException>(() => new SynthGenerator(options with { Seed = 99 }, cut.Path).Run());
        Assert.Contains("other settings", e.Message);
        // --overwrite replaces the run: the old run's images go, a file that is not one of them stays
        File.WriteAllText(Path.Combine(cut.Path, "images", "notes.txt"), "mine");
        new SynthGenerator(options with { Seed = 99, Count = 3 }, cut.Path, overwrite: true).Run();
        Assert.Equal(new[] { "000000.jpg", "000001.jpg", "000002.jpg", "notes.txt" }, Directory.GetFiles(Path.Combine(cut.Path, "images")).Select(Path.GetFileName).Order().ToArray());
        Assert.Equal(3, CocoReader.ReadGroundTruth(Path.Combine(cut.Path, SynthGenerator.AnnotationsName)).Images.Count);
    }

    [Fact]
    public void Bad_input_is_one_clear_line()
    {
        using var dir = new TestData.TempDir();
        var (code, _, err) = CliRunner.Run("synth", "--animal", "unicorn", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("--animal unicorn: no synthetic model for this animal (known: horse)", err);
        (code, _, err) = CliRunner.Run("synth", "--size", "10x10", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("--size 10x10: impossible image size", err);
        (code, _, err) = CliRunner.Run("synth", "--size", "wide", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("--size 'wide' must be WIDTHxHEIGHT", err);
        (code, _, err) = CliRunner.Run("synth", "--style", "cartoon", "--out", dir.Path);
        Assert.Equal(2, code);
        Assert.Contains("--style 'cartoon' is not known", err);
        var missing = Path.Combine(dir.Path, "no-such-folder");
        (code, _, err) = CliRunner.Run("synth", "--style", "photo", "--backgrounds", missing, "--count", "2", "--out", dir.File("o"));
        Assert.Equal(1, code);
        Assert.Contains($"{missing}: not a folder", err);
        var empty = Directory.CreateDirectory(dir.File("empty")).FullName;
        File.WriteAllText(Path.Combine(empty, "notes.txt"), "no images here");
        (code, _, err) = CliRunner.Run("synth", "--style", "photo", "--backgrounds", empty, "--count", "2", "--out", dir.File("o"));
        Assert.Equal(1, code);
        Assert.Contains("holds no images or videos", err);
        Assert.DoesNotContain("Exception", err);
        Assert.False(File.Exists(Path.Combine(dir.File("o"), SynthGenerator.AnnotationsName)));
    }

    [Fact]
    public async Task Without_a_gl_device_synth_fails_with_a_clear_message()
    {
        using var dir = new TestData.TempDir();
        var (code, err) = await CliRunner.RunWithoutGlAsync("synth", "--count", "2", "--out", dir.Path);
        Assert.Equal(1, code);
        Assert.Contains("synth needs a GL device to render: No EGL display for headless OpenGL", err);
        Assert.False(File.Exists(Path.Combine(dir.Path, SynthGenerator.AnnotationsName)));
    }

    [Fact]
    public void A_journal_line_that_is_cut_malformed_or_inconsistent_is_not_resumed_from()
    {
        var good = new SynthRecord { Index = 0, FileName = "images/000000.jpg", Width = 640, Height = 480, Gait = "walk", Projected = new float[54], Box = [1, 2, 3, 4], Keypoints = new float[54] };
        Assert.NotNull(SynthRecord.Parse(good.ToJson()));
        Assert.Null(SynthRecord.Parse(good.ToJson()[..40]));
        Assert.Null(SynthRecord.Parse(good.ToJson().Replace("\"bbox\":[1,2,3,4]", "\"bbox\":[1]")));
        Assert.Null(SynthRecord.Parse((good with { Projected = new float[3] }).ToJson()));
        Assert.Null(SynthRecord.Parse((good with { FileName = "../../etc/passwd" }).ToJson()));
        Assert.Null(SynthRecord.Parse((good with { FileName = "/etc/passwd" }).ToJson()));
        Assert.Null(SynthRecord.Parse("{}"));
        Assert.Null(SynthRecord.Parse("null"));
    }
}
