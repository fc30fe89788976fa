using PoseLive.Coco;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Cli;

/// <summary>Folders and quoted globs as inputs, DeepLabCut CSV output, keypoint threshold, and the help texts users read first.</summary>
[Collection("pipeline")]
public class CliInputsTests
{
    private static string Clip(string dir, string name, int frames)
    {
        var clip = Path.Combine(dir, name);
        MediaFiles.Tool("ffmpeg", "-v", "error", "-i", MediaFiles.Sample("vtest.avi"), "-frames:v", $"{frames}", "-c:v", "libx264", "-pix_fmt", "yuv420p", clip);
        return clip;
    }

    [Fact]
    public void Annotate_takes_a_folder_and_a_quoted_glob()
    {
        using var dir = new TestData.TempDir();
        var clips = Directory.CreateDirectory(dir.File("clips")).FullName;
        Clip(clips, "a.mp4", 3);
        Clip(clips, "b.mp4", 2);
        File.WriteAllText(Path.Combine(clips, "notes.txt"), "not a video");
        var (code, output, err) = CliRunner.Run("annotate", clips, "--out", dir.File("out1"), "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains("a.mp4: 3 frames →", output);
        Assert.Contains("b.mp4: 2 frames →", output);
        (code, output, err) = CliRunner.Run("annotate", Path.Combine(clips, "b*.mp4"), "--out", dir.File("out2"), "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains("b.mp4: 2 frames →", output);
        Assert.DoesNotContain("a.mp4", output);
        (code, _, err) = CliRunner.Run("annotate", Path.Combine(clips, "z*.mp4"), "--out", dir.File("out3"));
        Assert.Equal(2, code);
        Assert.Contains($"poselive: error: {Path.Combine(clips, "z*.mp4")}: no files match", err);
        (code, _, err) = CliRunner.Run("annotate", dir.File("out2"), "--out", dir.File("out4"));
        Assert.Equal(2, code);
        Assert.Contains("a folder with no videos in it", err);
    }

    [Fact]
    public void Pose_takes_a_folder_with_one_results_file_and_an_overlay_per_image()
    {
        using var dir = new TestData.TempDir();
        var shots = Directory.CreateDirectory(dir.File("shots")).FullName;
        File.Copy(MediaFiles.Sample("basketball1.png"), Path.Combine(shots, "one.png"));
        File.Copy(MediaFiles.Sample("basketball2.png"), Path.Combine(shots, "two.png"));
        var (code, output, err) = CliRunner.Run("pose", shots, "--out", dir.File("r.json"), "--render", dir.File("overlays"), "--model", "movenet-lightning", "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains("one.png: 640x480", output);
        Assert.Contains("image_id 2", output);
        var results = CocoReader.ReadResults(dir.File("r.json"));
        Assert.Equal([1L, 2L], results.Select(r => r.ImageId).Distinct().Order());
        Assert.True(File.Exists(dir.File("overlays/one.png")) && File.Exists(dir.File("overlays/two.png")));
    }

    [Fact]
    public void Annotate_writes_deeplabcut_csv_matching_the_coco_dataset()
    {
        using var dir = new TestData.TempDir();
        var (code, output, err) = CliRunner.Run("annotate", MediaFiles.Sample("vtest.avi"), "--out", dir.Path, "--max-frames", "6", "--format", "coco,csv", "--device", "cpu");
        Assert.True(code == 0, err);
        Assert.Contains($"csv: {dir.File("vtest.csv")}", output);
        var lines = File.ReadAllLines(dir.File("vtest.csv"));
        var dataset = CocoReader.ReadGroundTruth(dir.File("vtest.coco.json"));
        Assert.Equal(4 + 6, lines.Length);                           // 4 header rows, one row per frame
        var header = lines[..4].Select(l => l.Split(',')).ToArray();
        Assert.Equal(["scorer", "individuals", "bodyparts", "coords"], header.Select(h => h[0]));
        var tracks = dataset.Annotations.Select(a => a.TrackId!.Value).Distinct().Order().ToList();
        Assert.Equal(1 + tracks.Count * 17 * 3, header[0].Length);
        Assert.Equal("PoseLive_movenet-lightning", header[0][1]);
        Assert.Equal($"track_{tracks[0]}", header[1][1]);
        Assert.Equal(["nose", "nose", "nose", "left_eye"], header[2][1..5]);
        Assert.Equal(["x", "y", "likelihood", "x"], header[3][1..5]);
        // one annotation's nose, looked up in the CSV by its frame and track
        var a = dataset.Annotations[^1];
        var frame = dataset.Images.Single(i => i.Id == a.ImageId).FrameIndex!.Value;
        var row = lines.Single(l => l.StartsWith($"{frame},", StringComparison.Ordinal)).Split(',');
        int col = 1 + tracks.IndexOf(a.TrackId!.Value) * 51;
        Assert.Equal(a.Keypoints[0], float.Parse(row[col], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(a.Keypoints[1], float.Parse(row[col + 1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(a.KeypointScores![0], float.Parse(row[col + 2], System.Globalization.CultureInfo.InvariantCulture));

        (code, _, err) = CliRunner.Run("annotate", MediaFiles.Sample("vtest.avi"), "--out", dir.Path, "--format", "coco,xml");
        Assert.Equal(2, code);
        Assert.Contains("--format: 'xml' is not coco or csv", err);
    }

    [Fact]
    public void The_keypoint_threshold_sets_coco_visibility()
    {
        using var dir = new TestData.TempDir();
        int Visible(string sub, string threshold)
        {
            var (code, _, err) = CliRunner.Run("annotate", MediaFiles.Sample("vtest.avi"), "--out", dir.File(sub), "--max-frames", "3", "--kpt-threshold", threshold, "--device", "cpu");
            Assert.True(code == 0, err);
            var d = CocoReader.ReadGroundTruth(dir.File($"{sub}/vtest.coco.json"));
            Assert.All(d.Annotations, a => Assert.Equal(a.NumKeypoints, Enumerable.Range(0, 17).Count(k => a.Keypoints[3 * k + 2] > 0)));
            Assert.All(d.Annotations, a => Assert.All(Enumerable.Range(0, 17).Where(k => a.Keypoints[3 * k + 2] > 0), k => Assert.True(a.KeypointScores![k] >= float.Parse(threshold, System.Globalization.CultureInfo.InvariantCulture))));
            return d.Annotations.Sum(a => a.NumKeypoints);
        }
        int strict = Visible("strict", "0.6"), loose = Visible("loose", "0.1");
        Assert.True(strict < loose, $"{strict} visible at 0.6, {loose} at 0.1");
    }

    [Fact]
    public void Help_names_the_camera_shorthand_and_the_installed_pose_models()
    {
        var (_, top, _) = CliRunner.Run("--help");
        Assert.Contains("poselive --camera N", top);
        var (_, annotate, _) = CliRunner.Run("annotate", "--help");
        Assert.Contains("movenet-thunder", annotate);                 // installed, and pose's default is said
        Assert.Contains("`pose` on stills defaults to the accurate movenet-thunder", annotate);
        var (_, bench, _) = CliRunner.Run("train-bench", "--help");
        Assert.DoesNotContain("(default: all cores)", bench);
    }
}
