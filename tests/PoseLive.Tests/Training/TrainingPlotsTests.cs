using OpenCvSharp;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Records;

namespace PoseLive.Tests.Training;

public sealed class TrainingPlotsTests
{
    private static readonly string[] CocoNames =
    [
        "nose", "left_eye", "right_eye", "left_ear", "right_ear", "left_shoulder", "right_shoulder", "left_elbow",
        "right_elbow", "left_wrist", "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
        "left_front_knee",
    ];

    [Fact]
    public void Lines_WritesPngOfRequestedSize()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("loss.png");
        var epochs = Enumerable.Range(1, 30).Select(i => (double)i).ToArray();
        var train = epochs.Select(e => 2.0 / e + 0.1).ToArray();
        var val = epochs.Select(e => e == 7 ? double.NaN : 2.2 / e + 0.15).ToArray();
        TrainingPlots.Lines(path, "Loss", "epoch", "loss", [new PlotSeries("train", epochs, train), new PlotSeries("val", epochs, val)], 900, 500);
        AssertPng(path, 900, 500);
        Assert.Single(Directory.GetFiles(dir.Path)); // no temporary file left beside it
    }

    [Fact]
    public void Lines_SingleSeriesAtCustomSize()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("ap.png");
        TrainingPlots.Lines(path, "AP", "step", "AP", [new PlotSeries("AP", [0, 100, 200, 300], [0.1, 0.35, double.NaN, 0.52])], 640, 360);
        AssertPng(path, 640, 360);
    }

    [Fact]
    public void Bars_WritesPngOfRequestedSize()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("pck.png");
        var values = CocoNames.Select((_, i) => 0.3 + 0.04 * i).ToArray();
        TrainingPlots.Bars(path, "PCK@0.05 per keypoint", CocoNames, values, "PCK", 1000, 500);
        AssertPng(path, 1000, 500);
    }

    [Fact]
    public void Bars_OverwritesAnExistingFile()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("err.png");
        File.WriteAllText(path, "old");
        TrainingPlots.Bars(path, "Error per keypoint", ["a", "b", "c"], [3.5, 1.25, 7], "pixels", 400, 300);
        AssertPng(path, 400, 300);
    }

    [Fact]
    public void MismatchedLengths_Throw()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("bad.png");
        var e = Assert.Throws<ArgumentException>(() => TrainingPlots.Lines(path, "t", "x", "y", [new PlotSeries("train", [1, 2, 3], [1, 2])]));
        Assert.Contains("train", e.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => TrainingPlots.Bars(path, "t", ["a", "b"], [1.0], "y"));
        Assert.Throws<ArgumentException>(() => TrainingPlots.Lines(path, "t", "x", "y", []));
        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    private static void AssertPng(string path, int width, int height)
    {
        var bytes = File.ReadAllBytes(path);
        Assert.True(bytes.AsSpan().StartsWith((byte[])[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG signature");
        using var image = Cv2.ImRead(path, ImreadModes.Color);
        Assert.False(image.Empty(), "OpenCV could not decode the PNG");
        Assert.Equal(width, image.Width);
        Assert.Equal(height, image.Height);
        Assert.True(image.GetArray(out Vec3b[] pixels));
        var distinct = pixels.Select(p => (p.Item0 << 16) | (p.Item1 << 8) | p.Item2).Distinct().Count();
        Assert.True(distinct > 2, $"only {distinct} distinct colours: the plot looks empty");
    }
}
