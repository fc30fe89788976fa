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
