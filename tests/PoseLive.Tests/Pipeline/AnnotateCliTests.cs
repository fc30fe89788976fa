using PoseLive.Cli;
using PoseLive.Coco;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Pipeline;

[Collection("pipeline")]
public class AnnotateCliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args) => CliRunner.Run(args);

    [Fact]
    public void An_unreadable_video_fails_alone_and_the_others_complete()
    {
        using var dir = new TestData.TempDir();
        var broken = dir.File("broken.mp4");
        File.WriteAllText(broken, "not a video");
        var (code, output, error) = Run("annotate", broken, MediaFiles.Sample("vtest.avi"), "--out", dir.File("out"), "--max-frames", "12");
        Assert.Equal(1, code);
        Assert.Contains("broken.mp4", error);
        Assert.Contains("vtest.avi: 12 frames", output);
        Assert.Equal(12, CocoReader.ReadGroundTruth(dir.File("out/vtest.coco.json")).Images.Count);
        Assert.False(File.Exists(dir.File("out/broken.coco.json")));                      // nothing half-written for the failed one
    }

    [Fact]
    public void A_shard_annotates_its_frame_range_with_its_own_track_ids()
    {
        using var dir = new TestData.TempDir();
        var (code, _, error) = Run("annotate", MediaFiles.Sample("vtest.avi"), "--out", dir.Path, "--shard", "1/2", "--max-frames", "15");
        Assert.True(code == 0, error);
        var d = CocoReader.ReadGroundTruth(dir.File("vtest.shard-1-of-2.coco.json"));
        Assert.Equal("vtest.avi#397", d.Images[0].FileName);                             // 795 · 1/2
        Assert.Equal(15, d.Images.Count);
        Assert.All(d.Annotations, a => Assert.InRange(a.TrackId!.Value, 1_000_001, 1_999_999));
        var (badCode, _, badError) = Run("annotate", MediaFiles.Sample("vtest.avi"), "--out", dir.Path, "--shard", "2/2");
        Assert.Equal(2, badCode);                  // a usage error, before any work
        Assert.Contains("--shard: '2/2' must be k/N", badError);
    }
}
