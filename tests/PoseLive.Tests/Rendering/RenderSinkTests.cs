using PoseLive.Media;
using PoseLive.Pipeline;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Rendering;

[Collection("pipeline")]
public class RenderSinkTests
{
    [Fact]
    public async Task Annotate_render_writes_a_playable_h264_with_every_frame()
    {
        using var dir = new TestData.TempDir();
        var mp4 = dir.File("render.mp4");
        var result = await AnnotateJob.RunAsync(MediaFiles.Sample("vtest.avi"), new AnnotateOptions { OutputDirectory = dir.Path, MaxFrames = 25, RenderPath = mp4 });
        Assert.Equal(25, result.Frames);
        var frames = MediaFiles.ToolText("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", mp4);
        Assert.Equal("h264,768,576,25", frames);
        using var video = VideoSource.Open(mp4);
        using var first = video.ReadFrame()!;
        Assert.Equal(TimeSpan.Zero, first.Timestamp);
        using var second = video.ReadFrame()!;
        Assert.Equal(TimeSpan.FromMilliseconds(100), second.Timestamp);                 // vtest.avi is 10 fps: media time kept
    }
}

/// <summary>Without any GL device (Mesa finds no driver), --render fails before any work with a clear message.</summary>
[Collection("pipeline")]
public class NoGlDeviceTests
{
    [Fact]
    public async Task Render_without_a_gl_device_is_a_clear_error_and_annotate_without_render_still_works()
    {
        using var dir = new TestData.TempDir();
        Task<(int Code, string Err)> Run(params string[] extra) =>
            CliRunner.RunWithoutGlAsync(["annotate", MediaFiles.Sample("vtest.avi"), "--out", dir.Path, "--max-frames", "5", .. extra]);
        var (code, error) = await Run("--render", dir.File("out.mp4"));
        Assert.Equal(1, code);
        Assert.Contains("No EGL display for headless OpenGL", error);
        Assert.Contains("annotate works without --render", error);
        Assert.Empty(Directory.GetFiles(dir.Path));                                  // failed before writing anything
        var (plain, _) = await Run();
        Assert.Equal(0, plain);
        Assert.True(File.Exists(dir.File("vtest.coco.json")));
    }
}
