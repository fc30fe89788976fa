using PoseLive.Synthetic;

namespace PoseLive.Tests.Training.Adaptation;

/// <summary>
/// Small real data for the adaptation tests, rendered once: a labelled basic-style synthetic set (the source), two
/// photo-style clips of stocky horses as image sequences and as MP4 videos with their labels (the footage), and a models
/// folder holding the served CenterNet (linked, not copied).
/// </summary>
public sealed class FinetuneFixture : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "poselive-finetune-" + Guid.NewGuid().ToString("N"));
    public string Synthetic => Path.Combine(Root, "synthetic");
    public string Clips => Path.Combine(Root, "clips");
    public string Videos => Path.Combine(Clips, SynthClipVideos.Folder);
    public string Models => Path.Combine(Root, "models");

    public FinetuneFixture()
    {
        new SynthGenerator(new SynthOptions { Count = 40, Width = 320, Height = 240, Seed = 12 }, Synthetic).Run();
        var clips = new SynthOptions { Clips = 2, ClipSeconds = 1.5, Fps = 8, Style = SynthStyle.Photo, Shapes = ShapeDistribution.Stocky, Width = 320, Height = 240,
            MinFill = 0.5, MaxFill = 0.8, Seed = 11 };
        new SynthGenerator(clips, Clips).Run();
        SynthClipVideos.Write(Clips, clips.Fps);
        Directory.CreateDirectory(Models);
        var served = PoseLive.Models.ModelZoo.DefaultDirectory();
        foreach (var file in new[] { "centernet.card.json", "centernet.onnx" })
            File.CreateSymbolicLink(Path.Combine(Models, file), Path.Combine(served, file));
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
