using PoseLive.Models;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Models;

public class ModelZooAnimalTests
{
    private static void Card(string dir, string name, string schema, string? description, string created, string[]? classes = null)
    {
        var card = new ModelCard
        {
            Name = name, Task = "pose", File = name + ".onnx", Source = new ModelSource { Package = "test", Path = name + ".onnx", License = "test" },
            Input = new ModelInput { Name = "input", Layout = "NCHW", Dtype = "float32", Width = 64, Height = 64 }, Outputs = new() { ["heatmaps"] = "[N, K, 16, 16]" },
            KeypointSchema = schema, Decoder = "msra", Description = description, Classes = classes,
            Training = new ModelCard.TrainingProvenance("tiny", "d.json", null, 1, "pck", null, 1, "/run", "last.pth", "msra", 1, created),
        };
        File.WriteAllText(Path.Combine(dir, name + ".card.json"), card.ToJson());
        File.WriteAllBytes(Path.Combine(dir, name + ".onnx"), [1]);
    }

    [Fact]
    public void The_animal_model_is_the_adapted_one_before_the_synthetic_one_then_the_newest()
    {
        using var dir = new TestData.TempDir();
        Card(dir.Path, "people", "coco17", null, "2026-12-03T00:00:00Z");
        Card(dir.Path, "horse-synth", "quadruped18", "trained on synthetic horses", "2026-12-03T00:00:00Z");
        Assert.Equal("horse-synth", ModelZoo.ForAnimal(dir.Path, "horse").Card.Name);
        Card(dir.Path, "horse-old", "quadruped18", "adapted by CC-SSL", "2026-12-01T00:00:00Z");
        Card(dir.Path, "horse-new", "quadruped18", "adapted by CC-SSL", "2026-12-02T00:00:00Z");
        Assert.Equal("horse-new", ModelZoo.ForAnimal(dir.Path, "horse").Card.Name);
        Assert.Equal("horse-new", ModelZoo.ForAnimal(dir.Path, "Horse").Card.Name);
        Card(dir.Path, "zebra", "quadruped18", "adapted by CC-SSL", "2026-12-01T00:00:00Z", ["zebra"]);
        Assert.Equal("zebra", ModelZoo.ForAnimal(dir.Path, "zebra").Card.Name);
        var e = Assert.Throws<FileNotFoundException>(() => ModelZoo.ForAnimal(dir.Path, "cow"));
        Assert.Contains("no pose model for cow", e.Message);
        Assert.Contains("poselive finetune --animal cow", e.Message);
    }
}
