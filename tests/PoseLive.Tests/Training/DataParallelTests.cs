using PoseLive.Tests.TestSupport;
using PoseLive.Training.Distributed;
using PoseLive.Training.Nets;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.Training;

/// <summary>
/// The c10d collectives through <see cref="DataParallel"/>, two ranks as two threads of the test process: over a FileStore
/// (a shared file instead of rank 0's TCP store) the sums, the weight broadcast and the gradient all-reduce give their
/// exact values.
/// </summary>
[Collection("libtorch")]
public class DataParallelTests
{
    [Fact]
    public void Two_ranks_over_a_file_store_sum_broadcast_and_all_reduce_gradients()
    {
        using var dir = new TestData.TempDir();
        var store = dir.File("rendezvous");
        var results = new (double[] Sums, float[] Weight, float[] Gradient)[2];
        var errors = new Exception?[2];
        var threads = Enumerable.Range(0, 2).Select(rank => new Thread(() =>
        {
            try
            {
                Torch.Threads = 1;
                using var dp = DataParallel.Join(new DistributedWorld(rank, 2, rank, "", 0, "test") { StoreFile = store }, TimeSpan.FromSeconds(30), "lo");
                var sums = dp.Sum(rank + 1.5, 10 * rank);
                Torch.ManualSeed((ulong)(100 + rank));                   // different starts: the broadcast makes them rank 0's
                using var net = PoseNets.Create("tiny", 17);
                dp.BroadcastState(net);
                var p = net.Parameters().First();
                // a gradient of (rank + 1) everywhere on the first parameter: the sum over the ranks is 3
                using (var loss = (p * (rank + 1.0)).Sum()) loss.Backward();
                dp.AllReduceGradients([.. net.Parameters()]);
                using var grad = p.Grad!;
                results[rank] = (sums, p.ToFloats(), grad.ToFloats());
                dp.Barrier();
            }
            catch (Exception e) { errors[rank] = e; }
        })).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        Assert.Null(errors[0]);
        Assert.Null(errors[1]);
        Assert.Equal([4.0, 10.0], results[0].Sums);
        Assert.Equal(results[0].Sums, results[1].Sums);
        Assert.Equal(results[0].Weight, results[1].Weight);
        Assert.All(results[0].Gradient, g => Assert.Equal(3f, g));
        Assert.All(results[1].Gradient, g => Assert.Equal(3f, g));
    }
}
