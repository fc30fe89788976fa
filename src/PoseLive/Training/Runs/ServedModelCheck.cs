using PoseLive.Training.Checkpoints;
using PoseLive.Training.Nets;

namespace PoseLive.Training.Runs;

/// <summary>What <see cref="ServedModelCheck.Run"/> measured: the checkpoint's and the served model's validation and their largest heatmap difference.</summary>
public sealed record ServedModelComparison(ValidationResult Checkpoint, ValidationResult Served, double MaxHeatmapDifference, int Instances)
{
    /// <summary>The largest |heatmap value| of the checkpoint's outputs (the scale the difference compares with).</summary>
    public double MaxHeatmapValue { get; init; }
}

/// <summary>
/// Scores a run's exported model through ONNX Runtime on the run's own validation data, next to its checkpoint
/// through libtorch, with the same crops and decoding: the served model should equal the checkpoint.
/// </summary>
public static class ServedModelCheck
{
    public static ServedModelComparison Run(string run, string onnxPath, CancellationToken cancellationToken = default)
    {
        var o = RunExporter.ReadConfig(run);
        var schema = Pose.KeypointSchema.ByName(o.Schema ?? "coco17");
        Data.KeypointDataset validation;
        if (o.Validation is not null) validation = Data.KeypointDataset.Load(o.Validation, o.ValidationImages ?? o.Images, schema);
        else if (o.ValidationSplit > 0) validation = Data.KeypointDataset.Load(o.Train, o.Images, schema).Split(o.ValidationSplit).Validation;
        else throw new ArgumentException($"{run}: the run has no validation data (--val or --val-split) to compare on");
        var codec = Trainer.CreateCodec(o, schema.Count);
        using var net = PoseNets.Create(o.Net, codec.OutputChannels(schema.Count));
        TrainingCheckpoint.Load(RunExporter.CheckpointOf(run), net, null, out _);
        using var store = new Data.ImageStore((long)o.CacheMegabytes << 20);
        store.Preload(validation.Images.Values, cancellationToken);
        var validator = new PoseValidator(validation, codec, PoseNets.Normalization(o.Net), store, o.Batch, o.FlipTest);
        int h = o.InputHeight, w = o.InputWidth;

        // the checkpoint through libtorch (eval mode), keeping each batch's outputs ...
        var reference = new List<float[]>();
        net.Eval();
        var fromTorch = validator.Evaluate((inputs, count) =>
        {
            using var scope = new Tensors.DisposeScope();
            using var grad = Tensors.Torch.NoGrad();
            var outputs = net.Forward(Tensors.Tensor.FromArray(inputs[..(count * 3 * h * w)], count, 3, h, w)).ToFloats();
            reference.Add((float[])outputs.Clone()); // the validator averages flip-test outputs in place
            return outputs;
        }, cancellationToken);

        // ... then the same crops through ONNX Runtime, compared batch by batch
        using var session = Inference.InferenceSession.FromFile(onnxPath);
        string inputName = session.Inputs[0].Name, outputName = session.Outputs[0].Name;
        double max = 0, scale = 0;
        int batch = 0;
        var fromOrt = validator.Evaluate((inputs, count) =>
        {
            float[] served;
            using (var input = Inference.OrtTensor.Create(inputs[..(count * 3 * h * w)], count, 3, h, w))
            {
                var result = session.Run(new Dictionary<string, Inference.OrtTensor> { [inputName] = input });
                served = result[outputName].ToArray<float>();
                foreach (var t in result.Values) t.Dispose();
            }
            var expected = reference[batch++];
            for (int i = 0; i < served.Length; i++) { max = Math.Max(max, Math.Abs(served[i] - expected[i])); scale = Math.Max(scale, Math.Abs(expected[i])); }
            return served;
        }, cancellationToken);
        return new ServedModelComparison(fromTorch, fromOrt, max, validation.Instances.Count) { MaxHeatmapValue = scale };
    }
}
