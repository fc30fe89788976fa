using PoseLive.Tests.TestSupport;
using PoseLive.Training.Checkpoints;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>Saving state_dicts as torch.save zip files and reading them back.</summary>
[Collection("libtorch")]
public class PthWriterTests
{
    public PthWriterTests() => Torch.Threads = 2;

    [Fact]
    public void A_saved_lpn50_loads_into_a_fresh_net_with_identical_outputs()
    {
        var dir = Directory.CreateTempSubdirectory("poselive-pth-");
        try
        {
            var path = Path.Combine(dir.FullName, "lpn50.pth");
            using var trained = new Lpn(50);
            FixtureWeights.Apply(trained);
            ModuleCheckpoint.Save(trained, path);

            var read = PthReader.Read(path);
            Assert.Equal(trained.StateDict().Select(p => p.Name), read.Select(t => t.Name));
            Assert.Equal(CheckpointDType.Int64, read.Single(t => t.Name == "bn1.num_batches_tracked").DType);

            using var fresh = new Lpn(50);
            var report = ModuleCheckpoint.Load(fresh, path);
            Assert.Equal(466, report.Loaded);
            trained.Eval();
            fresh.Eval();
            using var scope = new DisposeScope();
            using var _ = Torch.NoGrad();
            var x = Tensor.FromArray(FixtureWeights.Input(3 * 256 * 192), 1, 3, 256, 192);
            Assert.Equal(trained.Forward(x).ToFloats(), fresh.Forward(x).ToFloats());
            Assert.Equal([path], Directory.GetFiles(dir.FullName)); // written through a temporary file, nothing else left over
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public void Every_dtype_and_a_scalar_round_trip_bit_exactly()
    {
        var path = Path.Combine(Path.GetTempPath(), $"poselive-dtypes-{Guid.NewGuid():N}.pth");
        try
        {
            CheckpointTensor[] tensors =
            [
                new("f32", CheckpointDType.Float32, [2, 3], new[] { 1f, -2.5f, float.Epsilon, float.MaxValue, 0f, -0f }),
                new("f64", CheckpointDType.Float64, [2], new[] { Math.PI, -1e300 }),
                new("f16", CheckpointDType.Float16, [1], new[] { (Half)0.333f }),
                new("i64", CheckpointDType.Int64, [3], new[] { long.MinValue, 70_000L, 5_000_000_000L }),
                new("i32", CheckpointDType.Int32, [1], new[] { -7 }),
                new("u8", CheckpointDType.UInt8, [2], new byte[] { 0, 255 }),
                new("scalar", CheckpointDType.Int64, [], new[] { 42L }),
            ];
            PthWriter.Write(path, tensors);
            var read = PthReader.Read(path);
            Assert.Equal(tensors.Length, read.Count);
            for (int i = 0; i < tensors.Length; i++)
            {
                Assert.Equal(tensors[i].Name, read[i].Name);
                Assert.Equal(tensors[i].DType, read[i].DType);
                Assert.Equal(tensors[i].Shape, read[i].Shape);
                Assert.Equal(tensors[i].Data, read[i].Data);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Mismatched_data_or_duplicate_names_are_refused_before_anything_is_written()
    {
        var path = Path.Combine(Path.GetTempPath(), $"poselive-bad-{Guid.NewGuid():N}.pth");
        Assert.Throws<ArgumentException>(() => PthWriter.Write(path, [new("w", CheckpointDType.Float32, [2, 2], new float[3])]));
        Assert.Throws<ArgumentException>(() => PthWriter.Write(path,
            [new("w", CheckpointDType.Float32, [1], new float[1]), new("w", CheckpointDType.Float32, [1], new float[1])]));
        Assert.False(File.Exists(path));
    }
}
