using System.Diagnostics;
using System.Globalization;
using PoseLive.Pose.Codecs;
using PoseLive.Training.Benchmarks;
using PoseLive.Training.Data;
using PoseLive.Training.Nets;
using PoseLive.Training.Optim;
using PoseLive.Training.Tensors;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// Does the data pipeline keep up? Steps of real training — the batch loader (decode through the image cache, standard
/// augmentation, OpenCV crops, MSRA targets) feeding the same net, JointsMSE with target weights and Adam — against
/// train-bench's steps on synthetic tensors of the same net and batch, in alternating blocks of one run. Each real
/// block starts a fresh epoch (the loader starts cold), so its fill latency counts. Target: ratio ≥ 0.95.
/// </summary>
internal static class TrainDataRatio
{
    public static int Run(string dataset, string? images, string netName, int batch, int steps, int rounds)
    {
        var inv = CultureInfo.InvariantCulture;
        int threads = Environment.ProcessorCount;
        Torch.Threads = threads;
        Torch.FlushDenormal(true);
        Torch.ManualSeed(0);
        var data = KeypointDataset.Load(dataset, images);
        var codec = KeypointCodecs.Create("msra", 192, 256, 48, 64, 2);
        var sampler = new TopDownSampler(data.Schema, codec, PoseNets.Normalization(netName), AugmentationOptions.Standard, seed: 0);
        using var store = new ImageStore(2L << 30);
        var preload = Stopwatch.StartNew();
        int preloaded = store.Preload(data.Images.Values); // as the trainer does before its first epoch
        Console.WriteLine(string.Format(inv, "  preloaded {0} video frames in {1:F1} s (not part of the timed steps)", preloaded, preload.Elapsed.TotalSeconds));
        using var loader = new BatchLoader(data, sampler, store, batch, workers: 2);
        using var net = PoseNets.Create(netName, data.Schema.Count);
        net.Train();
        using var adam = new Adam(net.Parameters(), 1e-3);
        using var x = Detached(Tensor.Zeros(batch, 3, 256, 192));
        using var t = Detached(Tensor.Zeros(batch, data.Schema.Count, 64, 48));
        using var w = Detached(Tensor.Zeros(batch, data.Schema.Count));
        using var synthetic = new TrainingThroughput(netName, batch);

        double RealBlock(long epoch)
        {
            var clock = Stopwatch.StartNew();
            int n = 0;
            foreach (var b in loader.Epoch(epoch))
            {
                try
                {
                    if (b.Count != batch) continue;
                    x.CopyFrom(b.Images);
                    t.CopyFrom(b.Targets);
                    w.CopyFrom(b.Weights);
                    using var scope = new DisposeScope();
                    adam.ZeroGrad();
                    var loss = Losses.JointsMse(net.Forward(x), t, w);
                    loss.Backward();
                    adam.Step();
                }
                finally { loader.Return(b); }
                if (++n == steps) break;
            }
            return clock.Elapsed.TotalSeconds / n;
        }
        double SyntheticBlock()
        {
            var clock = Stopwatch.StartNew();
            for (int i = 0; i < steps; i++) synthetic.Step();
            return clock.Elapsed.TotalSeconds / steps;
        }
        Console.WriteLine(string.Format(inv, "train-data: {0}, batch {1}, 256x192, {2} threads; {3}: {4} instances ({5} images)", netName, batch, threads,
            Path.GetFileName(dataset), data.Instances.Count, data.GroundTruth.Images.Count));
        RealBlock(1000); // warm-up: JIT, oneDNN primitives, allocator cache, the first decodes
        SyntheticBlock();
        var real = new List<double>();
        var syn = new List<double>();
        for (int r = 0; r < rounds; r++)
        {
            if (r % 2 == 0) { real.Add(RealBlock(r)); syn.Add(SyntheticBlock()); }
            else { syn.Add(SyntheticBlock()); real.Add(RealBlock(r)); }
            Console.WriteLine(string.Format(inv, "  round {0}: real {1:F2} s/step, synthetic {2:F2} s/step, ratio {3:F3}", r + 1, real[^1], syn[^1], syn[^1] / real[^1]));
        }
        double realMean = real.Average(), synMean = syn.Average();
        Console.WriteLine(string.Format(inv, "  real (loader + augmentation + targets): {0:F2} s/step = {1:F2} images/s", realMean, batch / realMean));
        Console.WriteLine(string.Format(inv, "  synthetic tensors (train-bench)     : {0:F2} s/step = {1:F2} images/s", synMean, batch / synMean));
        Console.WriteLine(string.Format(inv, "  ratio (real steps/s / synthetic steps/s): {0:F3}   (target >= 0.95); images decoded: {1}, loader batches allocated: {2}",
            synMean / realMean, store.Decoded, loader.Allocated));
        return 0;
    }

    private static Tensor Detached(Tensor tensor)
    {
        tensor.DetachFromScope();
        return tensor;
    }
}
