using PoseLive.Inference;
using PoseLive.Media;
using PoseLive.Onnx;
using PoseLive.Tests.TestSupport;
using PoseLive.Training.Export;
using PoseLive.Training.Graph;
using PoseLive.Training.Nets;
using PoseLive.Training.Optim;
using PoseLive.Training.Tensors;
using Xunit.Abstractions;

namespace PoseLive.Tests.Training.Graph;

/// <summary>
/// Served ONNX graphs as trainable libtorch modules: the real converted MoveNet and CenterNet graphs and an exported
/// LPN-50 compute what ONNX Runtime computes on real frames; training steps equal the native module's; saving keeps
/// the graph and carries the trained weights into ONNX Runtime. "Relative" here is the largest absolute difference
/// over the largest absolute reference value of that output.
/// </summary>
[Collection("libtorch")]
public class OnnxGraphModuleTests(ITestOutputHelper output)
{
    private static double Relative(ReadOnlySpan<float> got, ReadOnlySpan<float> expected)
    {
        Assert.Equal(expected.Length, got.Length);
        double worst = 0, scale = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            worst = Math.Max(worst, Math.Abs(got[i] - expected[i]));
            scale = Math.Max(scale, Math.Abs(expected[i]));
        }
        Assert.True(scale > 0, "the reference output is all zeros");
        return worst / scale;
    }

    /// <summary>A real frame resized (nearest) to size×size, NHWC RGB, batch 2 with the second image mirrored.</summary>
    private static (int[] Ints, float[] Floats) RealFrames(string name, int size)
    {
        using var source = VideoSource.Open(MediaFiles.Sample(name));
        using var frame = source.ReadFrame()!;
        var plane = frame.Plane(0);
        var ints = new int[2 * size * size * 3];
        for (int b = 0; b < 2; b++)
            for (int y = 0; y < size; y++)
                for (int x = 0; x < size; x++)
                {
                    int sx = (b == 0 ? x : size - 1 - x) * frame.Width / size, sy = y * frame.Height / size;
                    for (int c = 0; c < 3; c++) ints[((b * size + y) * size + x) * 3 + c] = plane[sy * frame.Stride + sx * 3 + c];
                }
        return (ints, ints.Select(v => (float)v).ToArray());
    }

    private static Dictionary<string, float[]> OrtRun(byte[] model, string input, OrtTensor tensor)
    {
        using var session = InferenceSession.FromBytes(model, new InferenceOptions { IntraOpThreads = 2 });
        var outputs = session.Run(new Dictionary<string, OrtTensor> { [input] = tensor });
        try { return outputs.ToDictionary(o => o.Key, o => o.Value.ToArray<float>()); }
        finally { foreach (var o in outputs.Values) o.Dispose(); }
    }

    [Theory]
    [InlineData("movenet-lightning", "messi5.jpg")]
    [InlineData("movenet-thunder", "basketball1.png")]
    [InlineData("centernet", "vtest.avi")]
    public void Served_graph_equals_onnx_runtime_on_a_real_frame(string name, string footage)
    {
        var (card, path) = RealModels.Get(name);
        int size = card.Input.Width;
        var (ints, floats) = RealFrames(footage, size);
        using var ort = card.Input.Dtype == "int32" ? OrtTensor.Create(ints, 2, size, size, 3) : OrtTensor.Create(floats, 2, size, size, 3);
        var expected = OrtRun(File.ReadAllBytes(path), card.Input.Name, ort);

        using var graph = OnnxGraphModule.Load(path);
        graph.Eval();
        output.WriteLine($"{name}: {graph.Parameters().Count()} parameter tensors, {graph.ParameterCount} values; ops {string.Join(" ", OnnxReader.ReadFile(path).Graph!.Node.Select(n => n.OpType).Distinct().Order())}");
        // Elementwise formula constants (hard-swish's 3 and 1/6, the input scaling, MoveNet's centre-weighting map) stay
        // fixed; every conv weight and bias learns, a one-channel conv bias included.
        var learnable = graph.NamedParameters().Select(p => p.Name).ToHashSet();
        var model = OnnxReader.ReadFile(path).Graph!;
        var convOperands = model.Node.Where(n => n.OpType == "Conv").SelectMany(n => n.Input.Skip(1)).ToHashSet();
        Assert.Equal(convOperands.Order(), learnable.Order());
        Assert.DoesNotContain(learnable, n => n.Contains("truediv"));
        Assert.True(graph.ParameterCount > 1_000_000, $"{name} has only {graph.ParameterCount} learnable values");
        using var scope = new DisposeScope();
        using var noGrad = Torch.NoGrad();
        var input = card.Input.Dtype == "int32" ? Tensor.FromArray(ints, 2, size, size, 3) : Tensor.FromArray(floats, 2, size, size, 3);
        var outputs = graph.Run(input);
        Assert.Equal(expected.Count, outputs.Length);
        for (int i = 0; i < outputs.Length; i++)
        {
            var rel = Relative(outputs[i].ToFloats(), expected[graph.OutputNames[i]]);
            output.WriteLine($"  {graph.OutputNames[i]} [{string.Join(",", outputs[i].Shape)}]: relative difference {rel:E2}");
            Assert.True(rel <= 1e-4, $"{name} output {graph.OutputNames[i]}: relative difference {rel:E2}");
        }
    }

    private static byte[] ExportedLpn(out Lpn net)
    {
        net = FixtureWeights.Official(new Lpn(50));
        return OnnxExporter.Export(net, 3, 256, 192);
    }

    [Fact]
    public void Exported_lpn50_graph_equals_onnx_runtime_and_one_sgd_step_equals_the_native_modules()
    {
        var bytes = ExportedLpn(out var native);
        using var _ = native;
        var one = FixtureWeights.Input(3 * 256 * 192);
        var x = one.Concat(one.Select(v => -v)).ToArray();
        using var ortInput = OrtTensor.Create(x, 2, 3, 256, 192);
        var expected = OrtRun(bytes, "input", ortInput)["heatmaps"];

        using var graph = new OnnxGraphModule(OnnxReader.Read(bytes), "lpn50-export.onnx");
        Assert.Equal(native.ParameterCount, graph.ParameterCount);
        graph.Eval();
        using (var scope = new DisposeScope())
        using (Torch.NoGrad())
        {
            var rel = Relative(graph.Forward(Tensor.FromArray(x, 2, 3, 256, 192)).ToFloats(), expected);
            output.WriteLine($"lpn50 eval: relative difference to ORT {rel:E2}");
            Assert.True(rel <= 1e-4, $"relative difference {rel:E2}");
        }

        // One SGD step in training mode (batch statistics) on both, same weights, same batch, same loss.
        var targetValues = Enumerable.Range(0, 2 * 17 * 64 * 48).Select(i => (float)Math.Sin(i * 0.37) * 0.1f).ToArray();
        void Step(PoseLive.Training.Modules.Module m)
        {
            m.Train();
            using var scope = new DisposeScope();
            var sgd = new Sgd(m.Parameters().ToList(), learningRate: 0.1, momentum: 0.9, weightDecay: 1e-4);
            var loss = Functional.MseLoss(m.Forward(Tensor.FromArray(x, 2, 3, 256, 192)), Tensor.FromArray(targetValues, 2, 17, 64, 48));
            sgd.ZeroGrad();
            loss.Backward();
            sgd.Step();
            sgd.Dispose();
        }
        Step(native);
        Step(graph);
        var graphParams = graph.NamedParameters().ToDictionary(p => p.Name, p => p.Tensor);
        double worst = 0;
        string worstName = "";
        foreach (var (name, p) in native.NamedParameters())
        {
            var rel = Relative(graphParams[name].ToFloats(), p.ToFloats());
            if (rel > worst) (worst, worstName) = (rel, name);
        }
        var nativeStats = native.StateDict().Where(s => s.Name.EndsWith("running_mean")).ToDictionary(s => s.Name, s => s.Tensor);
        var graphStats = graph.StateDict().Where(s => s.Name.EndsWith("running_mean")).ToList();
        Assert.NotEmpty(graphStats);
        foreach (var (name, t) in graphStats) worst = Math.Max(worst, Relative(t.ToFloats(), nativeStats[name].ToFloats()));
        output.WriteLine($"after one SGD step: worst relative parameter/statistic difference {worst:E2} ({worstName})");
        Assert.True(worst <= 1e-5, $"after one SGD step {worstName} differs by {worst:E2}");
    }

    [Fact]
    public void Saved_graph_keeps_its_nodes_and_carries_the_trained_weights_into_onnx_runtime()
    {
        var bytes = ExportedLpn(out var native);
        native.Dispose();
        var original = OnnxReader.Read(bytes);
        using var graph = new OnnxGraphModule(original, "lpn50-export.onnx");
        var x = FixtureWeights.Input(3 * 256 * 192);
        // Train a step so the weights differ from the original's.
        graph.Train();
        using (var scope = new DisposeScope())
        {
            var sgd = new Sgd(graph.Parameters().ToList(), learningRate: 0.5);
            var y = graph.Forward(Tensor.FromArray(x, 1, 3, 256, 192));
            var loss = y.Mean();
            loss.Backward();
            sgd.Step();
            sgd.Dispose();
        }
        graph.Eval();
        float[] trained;
        using (var scope = new DisposeScope())
        using (Torch.NoGrad())
            trained = graph.Forward(Tensor.FromArray(x, 1, 3, 256, 192)).ToFloats();

        var dir = Directory.CreateTempSubdirectory("graph-save-").FullName;
        try
        {
            var path = Path.Combine(dir, "lpn50-tuned.onnx");
            graph.Save(path, new Dictionary<string, string> { ["poselive.finetuned"] = "test" });
            var saved = OnnxReader.ReadFile(path);
            Assert.Equal(original.Graph!.Node.Select(n => n.OpType + ":" + string.Join(",", n.Input)), saved.Graph!.Node.Select(n => n.OpType + ":" + string.Join(",", n.Input)));
            Assert.Equal(original.Graph.Initializer.Select(i => i.Name), saved.Graph.Initializer.Select(i => i.Name));
            Assert.Contains(saved.MetadataProps, p => p.Key == "poselive.finetuned");

            using var input = OrtTensor.Create(x, 1, 3, 256, 192);
            var reloaded = OrtRun(File.ReadAllBytes(path), "input", input)["heatmaps"];
            using var originalInput = OrtTensor.Create(x, 1, 3, 256, 192);
            var before = OrtRun(bytes, "input", originalInput)["heatmaps"];
            double moved = Relative(trained, before), kept = Relative(reloaded, trained);
            output.WriteLine($"trained vs original {moved:E2}; reloaded vs trained {kept:E2}");
            Assert.True(moved > 1e-3, $"the step changed the outputs by only {moved:E2}");
            Assert.True(kept <= 1e-4, $"the reloaded model differs from the trained module by {kept:E2}");
        }
        finally { Directory.Delete(dir, true); }
    }

    [Fact]
    public void Graph_with_an_unsupported_op_fails_naming_op_and_node()
    {
        var b = new OnnxGraphBuilder("odd");
        var x = b.Input("x", OnnxDataType.Float, 1, 4);
        b.NodeNamed("Einsum", [x], ["y"], null, AttributeProto.String("equation", "ij->ji"));
        b.Output("y", OnnxDataType.Float, 4, 1);
        var e = Assert.Throws<GraphOpException>(() => new OnnxGraphModule(b.Build(), "odd.onnx"));
        Assert.Equal("unsupported op Einsum (Einsum node 'Einsum_0')", e.Message);
    }

    [Fact]
    public void A_file_that_is_not_onnx_fails_naming_the_file()
    {
        var path = Path.Combine(Path.GetTempPath(), $"not-onnx-{Guid.NewGuid():N}.onnx");
        File.WriteAllBytes(path, [0x0A, 0xFF, 0xFF, 0xFF, 0x0F, 0x01]);
        try
        {
            var e = Assert.Throws<OnnxFormatException>(() => OnnxGraphModule.Load(path));
            Assert.StartsWith(path + ": not an ONNX model", e.Message);
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void Float16_weights_train_in_float32_and_are_saved_as_float16()
    {
        // y = Conv(x, Cast(w16 → float)): a half-precision weight cast up where it is used
        var b = new OnnxGraphBuilder("half");
        var x = b.Input("x", OnnxDataType.Float, 1, 2, 5, 5);
        var w16 = Enumerable.Range(0, 3 * 2 * 3 * 3).Select(i => (Half)(0.1f * ((i % 7) - 3))).ToArray();
        var w = b.Node("Cast", [b.Initializer<Half>("w16", w16, 3, 2, 3, 3)], AttributeProto.Int("to", (long)OnnxDataType.Float));
        b.NodeNamed("Conv", [x, w], ["y"], null, AttributeProto.IntList("pads", 1, 1, 1, 1));
        b.Output("y", OnnxDataType.Float, 1, 3, 5, 5);
        var model = b.Build();
        using var graph = new OnnxGraphModule(model, "half.onnx");
        var (name, weight) = graph.NamedParameters().Single();
        Assert.Equal("w16", name);
        Assert.Equal(DType.Float32, weight.DType);
        Assert.Equal(w16.Select(h => (float)h), weight.ToFloats());
        using (var scope = new DisposeScope())
        {
            var sgd = new Sgd([weight], learningRate: 0.25);
            graph.Forward(Tensor.FromArray(Enumerable.Range(0, 50).Select(i => i * 0.02f).ToArray(), 1, 2, 5, 5)).Sum().Backward();
            sgd.Step();
            sgd.Dispose();
        }
        var trained = weight.ToFloats();
        var saved = graph.ToModel().Graph!.Initializer.Single();
        Assert.Equal(OnnxDataType.Float16, saved.DataType);
        var back = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(saved.RawData.Span).ToArray();
        Assert.Equal(trained.Select(f => (float)(Half)f), back.Select(h => (float)h));
        Assert.NotEqual(w16, back);
        // ONNX Runtime runs the saved graph
        using var session = InferenceSession.FromBytes(graph.ToModel().ToByteArray());
        Assert.Equal("y", session.Outputs.Single().Name);
    }
}
