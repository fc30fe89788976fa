using PoseLive.Models;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Models;

public class ModelCardTests
{
    [Fact]
    public void Installed_cards_describe_their_onnx_files_exactly()
    {
        var cards = ModelZoo.Installed(ModelZoo.DefaultDirectory());
        // the fetched models, plus any a user exported there (`poselive train --export`): every card matches its file
        var names = cards.Select(c => c.Name).ToArray();
        foreach (var fetched in new[] { "centernet", "movenet-lightning", "movenet-thunder" }) Assert.Contains(fetched, names);
        foreach (var card in cards)
        {
            var onnx = Path.Combine(ModelZoo.DefaultDirectory(), card.File);
            using var f = File.OpenRead(onnx);
            Assert.Equal(card.Sha256, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(f)));
        }
        var thunder = cards.Single(c => c.Name == "movenet-thunder");
        Assert.Equal((256, 256, "int32", "coco17", "movenet"), (thunder.Input.Width, thunder.Input.Height, thunder.Input.Dtype, thunder.KeypointSchema, thunder.Decoder));
    }

    [Fact]
    public void Corrupt_or_inconsistent_cards_are_named()
    {
        using var dir = new TestData.TempDir();
        File.WriteAllText(dir.File("a.card.json"), "{ broken");
        Assert.Contains("a.card.json: not a valid model card", Assert.Throws<ModelCardException>(() => ModelCard.Load(dir.File("a.card.json"))).Message);
        var good = ModelZoo.Definitions[1].ToJson();
        File.WriteAllText(dir.File("b.card.json"), good.Replace("\"int32\"", "\"float64\""));
        Assert.Contains("input dtype 'float64' must be float32 or int32", Assert.Throws<ModelCardException>(() => ModelCard.Load(dir.File("b.card.json"))).Message);
        File.WriteAllText(dir.File("c.card.json"), good.Replace("\"task\": \"pose\"", "\"task\": \"dance\""));
        Assert.Contains("task 'dance'", Assert.Throws<ModelCardException>(() => ModelCard.Load(dir.File("c.card.json"))).Message);
        Assert.Contains("Run `poselive models fetch`", Assert.Throws<FileNotFoundException>(() => ModelZoo.Find(dir.Path, "movenet-thunder")).Message);
    }

    [Fact]
    public void A_pose_model_poses_its_schemas_subject_or_the_classes_its_card_names()
    {
        var (detector, _) = RealModels.Get("centernet");
        var (thunder, _) = RealModels.Get("movenet-thunder");
        Assert.Equal(new[] { 0 }, thunder.DetectorClassIds(detector).ToArray());                      // coco17: person
        var horse = thunder with { Name = "horse-net", KeypointSchema = "quadruped18", Classes = null };
        Assert.Equal(new[] { 17 }, horse.DetectorClassIds(detector).ToArray());                       // quadruped18: COCO's horse
        var equids = horse with { Classes = ["horse", "zebra"] };
        Assert.Equal(new[] { 17, 22 }, equids.DetectorClassIds(detector).Order().ToArray());
        var unicorn = horse with { Classes = ["unicorn"] };
        Assert.Contains("horse-net poses 'unicorn', but the detector centernet has no such class",
            Assert.Throws<ModelCardException>(() => unicorn.DetectorClassIds(detector)).Message);
    }
}
