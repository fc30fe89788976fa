using System.Text.Json;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Checkpoints;

namespace PoseLive.Tests.Training;

public class PthReaderTests
{
    private static byte[] Bytes<T>(T[] values) where T : unmanaged => System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()).ToArray();

    private static TorchCheckpointWriter SmallStateDict()
    {
        var w = new TorchCheckpointWriter();
        w.AddStorage("0", Bytes(new float[] { 1, 2, 3, 4, 5, 6, 7 }));
        w.AddStorage("1", Bytes(new long[] { 42 }));
        w.BeginOrderedDict();
        w.Tensor("fc.weight", "FloatStorage", "0", 7, 1, [2, 3], [3, 1]);       // offset 1: [[2,3,4],[5,6,7]]
        w.Tensor("fc.weight_t", "FloatStorage", "0", 7, 1, [3, 2], [1, 3]);     // transposed view of the same storage
        w.Tensor("bn.num_batches_tracked", "LongStorage", "1", 1, 0, [], []);
        w.EndOrderedDict();
        w.Stop();
        return w;
    }

    [Fact]
    public void Reads_tensors_in_order_with_offsets_strides_and_shared_storage()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("small.pth");
        SmallStateDict().Save(path);

        var tensors = PthReader.Read(path);

        Assert.Equal(["fc.weight", "fc.weight_t", "bn.num_batches_tracked"], tensors.Select(t => t.Name));
        Assert.Equal([2L, 3L], tensors[0].Shape);
        Assert.Equal([2f, 3, 4, 5, 6, 7], tensors[0].ToFloats());
        Assert.Equal([3L, 2L], tensors[1].Shape);
        Assert.Equal([2f, 5, 3, 6, 4, 7], tensors[1].ToFloats());
        Assert.Equal(CheckpointDType.Int64, tensors[2].DType);
        Assert.Empty(tensors[2].Shape);
        Assert.Equal([42L], (long[])tensors[2].Data);
    }

    [Fact]
    public void Finds_a_state_dict_nested_in_a_training_checkpoint()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("ckpt.pth");
        var w = new TorchCheckpointWriter();
        w.AddStorage("0", Bytes(new float[] { 0.5f, -0.5f }));
        w.Op((byte)'}'); w.Op((byte)'(');
        w.Str("epoch"); w.Int(140);
        w.Str("state_dict"); w.BeginOrderedDict(); w.Tensor("head.bias", "FloatStorage", "0", 2, 0, [2], [1]); w.EndOrderedDict();
        w.Op((byte)'u'); w.Stop();
        w.Save(path);

        var t = Assert.Single(PthReader.Read(path));
        Assert.Equal("head.bias", t.Name);
        Assert.Equal([0.5f, -0.5f], t.ToFloats());
    }

    [Fact]
    public void A_pickle_calling_an_arbitrary_global_is_refused_naming_it()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("evil.pth");
        var w = new TorchCheckpointWriter();
        w.Global("posix", "system"); w.Op((byte)'('); w.Str("touch /tmp/pwned"); w.Op((byte)'t'); w.Op((byte)'R'); w.Stop();
        w.Save(path);

        var e = Assert.Throws<CheckpointFormatException>(() => PthReader.Read(path));
        Assert.Contains("posix.system", e.Message);
        Assert.Contains(path, e.Message);
    }

    [Fact]
    public void Truncated_or_non_zip_files_fail_with_the_file_named()
    {
        using var dir = new TestData.TempDir();
        var good = dir.File("good.pth");
        SmallStateDict().Save(good);
        var bytes = File.ReadAllBytes(good);
        var truncated = dir.File("truncated.pth");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var text = dir.File("notes.pth");
        File.WriteAllText(text, "not a checkpoint");

        foreach (var bad in new[] { truncated, text })
        {
            var e = Assert.Throws<CheckpointFormatException>(() => PthReader.Read(bad));
            Assert.Contains(bad, e.Message);
        }
        Assert.Throws<FileNotFoundException>(() => PthReader.Read(dir.File("missing.pth")));
    }

    [Fact]
    public void A_storage_smaller_than_its_declared_count_is_rejected()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("short.pth");
        var w = new TorchCheckpointWriter();
        w.AddStorage("0", Bytes(new float[] { 1, 2 }));
        w.BeginOrderedDict(); w.Tensor("w", "FloatStorage", "0", 4, 0, [4], [1]); w.EndOrderedDict(); w.Stop();
        w.Save(path);

        var e = Assert.Throws<CheckpointFormatException>(() => PthReader.Read(path));
        Assert.Contains("data/0", e.Message);
    }

    [Fact]
    public void A_view_reaching_past_its_storage_is_rejected()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("view.pth");
        var w = new TorchCheckpointWriter();
        w.AddStorage("0", Bytes(new float[] { 1, 2, 3 }));
        w.BeginOrderedDict(); w.Tensor("w", "FloatStorage", "0", 3, 2, [2], [1]); w.EndOrderedDict(); w.Stop();
        w.Save(path);

        var e = Assert.Throws<CheckpointFormatException>(() => PthReader.Read(path));
        Assert.Contains("'w' reads outside its storage", e.Message);
    }

    /// <summary>The real torch.save output of LPN-50 with the fixture's deterministic weights: every entry's name,
    /// shape, dtype and first/middle/last/sum must match what PyTorch wrote, bit for bit.</summary>
    [SharedFixtureFact("lpn50.pth")]
    public void Reads_the_real_pytorch_lpn50_checkpoint_bit_exactly()
    {
        var tensors = PthReader.Read(SharedFixtures.File("lpn50.pth")!);
        using var keys = JsonDocument.Parse(File.ReadAllText(SharedFixtures.File("lpn50.keys.json")!));
        using var checks = JsonDocument.Parse(File.ReadAllText(SharedFixtures.File("lpn50.wcheck.json")!));
        var expectedKeys = keys.RootElement.EnumerateArray().ToArray();
        var expectedChecks = checks.RootElement.EnumerateArray().ToArray();

        Assert.Equal(466, tensors.Count);
        Assert.Equal(expectedKeys.Length, tensors.Count);
        for (int i = 0; i < tensors.Count; i++)
        {
            var t = tensors[i];
            Assert.Equal(expectedKeys[i][0].GetString(), t.Name);
            Assert.Equal(expectedKeys[i][1].EnumerateArray().Select(e => e.GetInt64()), t.Shape);
            Assert.Equal(expectedKeys[i][2].GetString() == "int64" ? CheckpointDType.Int64 : CheckpointDType.Float32, t.DType);
            SharedFixtures.AssertWeightCheck(expectedChecks[i], t.Name, t.ToFloats());
        }
    }
}
