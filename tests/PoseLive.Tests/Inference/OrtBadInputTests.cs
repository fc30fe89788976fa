using PoseLive.Inference;
using PoseLive.Onnx;
using PoseLive.Tests.TestSupport;

namespace PoseLive.Tests.Inference;

/// <summary>Every kind of bad input becomes a clear exception naming the problem; nothing crashes.</summary>
public class OrtBadInputTests
{
    private static byte[] ScaleModel()
    {
        var g = new OnnxGraphBuilder("scale");
        var x = g.Input("x", OnnxDataType.Float, 1, 4);
        g.Output(g.Node("Mul", [x, g.Initializer<float>("k", [3f], 1)]), OnnxDataType.Float, 1, 4);
        return g.ToBytes();
    }

    [Fact]
    public void Missing_model_file_names_the_path()
    {
        var e = Assert.Throws<FileNotFoundException>(() => InferenceSession.FromFile("/nonexistent/dir/pose.onnx"));
        Assert.Contains("/nonexistent/dir/pose.onnx", e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void Empty_model_file_is_rejected_before_the_runtime()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("empty.onnx");
        File.WriteAllBytes(path, []);
        var e = Assert.Throws<InvalidDataException>(() => InferenceSession.FromFile(path));
        Assert.Contains("empty.onnx", e.Message);
    }

    [Fact]
    public void Truncated_model_file_gives_runtime_error_with_path()
    {
        using var dir = new TestData.TempDir();
        var model = ScaleModel();
        var path = dir.File("truncated.onnx");
        File.WriteAllBytes(path, model.AsSpan(0, model.Length * 2 / 3).ToArray());
        var e = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.FromFile(path));
        Assert.Contains("truncated.onnx", e.Message);
        Assert.NotEqual(OrtErrorCode.Ok, e.Code);
        Assert.False(string.IsNullOrWhiteSpace(e.RuntimeMessage));
    }

    [Theory]
    [InlineData("this is a text file, not a model\n")]
    [InlineData("\u0008\u0007\u0012garbage")]
    public void Corrupt_model_file_gives_runtime_error(string content)
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("corrupt.onnx");
        File.WriteAllText(path, content);
        var e = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.FromFile(path));
        Assert.Contains("corrupt.onnx", e.Message);
    }

    [Fact]
    public void Model_with_unknown_operator_reports_the_runtime_message()
    {
        var g = new OnnxGraphBuilder("unknown-op");
        var x = g.Input("x", OnnxDataType.Float, 1, 4);
        g.Output(g.Node("NoSuchOperator", [x]), OnnxDataType.Float, 1, 4);
        var e = Assert.Throws<OnnxRuntimeException>(() => InferenceSession.FromBytes(g.ToBytes(), name: "unknown-op.onnx"));
        Assert.Contains("unknown-op.onnx", e.Message);
        Assert.Contains("NoSuchOperator", e.RuntimeMessage);
    }

    [Fact]
    public void Conv_whose_weights_disagree_with_the_input_fails_with_the_runtime_message()
    {
        var g = new OnnxGraphBuilder("badconv");
        var x = g.Input("x", OnnxDataType.Float, 1, 3, 8, 8);
        // weights say 5 input channels, the input has 3: ORT accepts the graph and fails when it runs
        var y = g.Node("Conv", [x, g.Initializer<float>("w", new float[2 * 5 * 3 * 3], 2, 5, 3, 3)], AttributeProto.IntList("kernel_shape", 3, 3));
        g.Output(y, OnnxDataType.Float, 1, 2, 6, 6);
        var e = Assert.ThrowsAny<OnnxRuntimeException>(() =>
        {
            using var session = InferenceSession.FromBytes(g.ToBytes(), name: "badconv.onnx");
            using var t = OrtTensor.Create(new float[3 * 64], 1, 3, 8, 8);
            session.Run(new Dictionary<string, OrtTensor> { ["x"] = t }).Values.ToList().ForEach(v => v.Dispose());
        });
        Assert.Contains("badconv.onnx", e.Message);
        Assert.NotEqual(OrtErrorCode.Ok, e.Code);
    }

    [Fact]
    public void Wrong_input_name_lists_the_model_inputs()
    {
        using var session = InferenceSession.FromBytes(ScaleModel(), name: "scale.onnx");
        using var t = OrtTensor.Create(new float[4], 1, 4);
        var e = Assert.Throws<TensorMismatchException>(() => session.Run(new Dictionary<string, OrtTensor> { ["x"] = t, ["images"] = t }));
        Assert.Contains("no input named 'images'", e.Message);
        Assert.Contains("x: Float [1,4]", e.Message);
    }

    [Fact]
    public void Missing_input_is_named()
    {
        using var session = InferenceSession.FromBytes(ScaleModel());
        var e = Assert.Throws<TensorMismatchException>(() => session.Run(new Dictionary<string, OrtTensor>()));
        Assert.Contains("needs input 'x'", e.Message);
    }

    [Fact]
    public void Wrong_element_type_is_named()
    {
        using var session = InferenceSession.FromBytes(ScaleModel());
        using var t = OrtTensor.Create(new int[4], 1, 4);
        var e = Assert.Throws<TensorMismatchException>(() => session.Run(new Dictionary<string, OrtTensor> { ["x"] = t }));
        Assert.Contains("expects element type Float, got Int32", e.Message);
    }

    [Theory]
    [InlineData(new long[] { 1, 5 })]
    [InlineData(new long[] { 4 })]
    [InlineData(new long[] { 2, 2 })]
    public void Wrong_shape_is_named(long[] shape)
    {
        using var session = InferenceSession.FromBytes(ScaleModel());
        using var t = OrtTensor.Create(new float[shape.Aggregate(1L, (a, b) => a * b)], shape);
        var e = Assert.Throws<TensorMismatchException>(() => session.Run(new Dictionary<string, OrtTensor> { ["x"] = t }));
        Assert.Contains("expects shape [1,4]", e.Message);
    }

    [Fact]
    public void Preallocated_output_of_wrong_shape_is_named()
    {
        using var session = InferenceSession.FromBytes(ScaleModel());
        using var x = OrtTensor.Create(new float[4], 1, 4);
        using var y = OrtTensor.Create(new float[3], 1, 3);
        var output = session.Outputs[0].Name;
        var e = Assert.Throws<TensorMismatchException>(() => session.Run(new Dictionary<string, OrtTensor> { ["x"] = x }, new Dictionary<string, OrtTensor> { [output] = y }));
        Assert.Contains("output", e.Message);
    }

    [Fact]
    public void Runtime_failure_during_run_is_an_exception_with_context()
    {
        var g = new OnnxGraphBuilder("reshape");
        var x = g.Input("x", OnnxDataType.Float, "N");
        var y = g.Node("Reshape", [x, g.Initializer<long>("shape", [2, 2], 2)]);
        g.Output(y, OnnxDataType.Float, 2, 2);
        using var session = InferenceSession.FromBytes(g.ToBytes(), name: "reshape.onnx");
        using var t = OrtTensor.Create(new float[5], 5);  // 5 values cannot become 2x2
        var e = Assert.Throws<OnnxRuntimeException>(() => session.Run(new Dictionary<string, OrtTensor> { ["x"] = t }));
        Assert.Contains("running model reshape.onnx", e.Message);
        // and the session still works afterwards
        using var ok = OrtTensor.Create(new float[] { 1, 2, 3, 4 }, 4);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { ["x"] = ok });
        Assert.Equal([1f, 2f, 3f, 4f], outputs[y].ToArray<float>());
        outputs[y].Dispose();
    }

    [Fact]
    public void Tensor_with_mismatched_element_count_is_rejected()
    {
        var e = Assert.Throws<TensorMismatchException>(() => OrtTensor.Create(new float[5], 2, 3));
        Assert.Contains("holds 6 elements but the buffer has 5", e.Message);
        using var t = OrtTensor.Create(new float[6], 2, 3);
        Assert.Throws<InvalidOperationException>(() => t.Span<int>());
    }

    [Fact]
    public void Explicit_cuda_request_without_cuda_names_what_is_missing()
    {
        var cuda = CudaSupport.Current;
        if (cuda.Usable)
        {
            using var session = InferenceSession.FromBytes(ScaleModel(), new InferenceOptions { Provider = ExecutionProvider.Cuda });
            Assert.Equal(ExecutionProvider.Cuda, session.Provider);
            return;
        }
        var e = Assert.Throws<ExecutionProviderUnavailableException>(() =>
            InferenceSession.FromBytes(ScaleModel(), new InferenceOptions { Provider = ExecutionProvider.Cuda, CudaDeviceId = 1 }));
        Assert.Contains("--device cuda:1: the CUDA execution provider is not available", e.Message);
        if (!cuda.ProviderListed) Assert.Contains("CPU-only ONNX Runtime 1.31.1", e.Message);
        foreach (var lib in cuda.Libraries.Where(l => !l.Found)) Assert.Contains(lib.Name, e.Message);
        // Auto falls back to the CPU
        using var auto = InferenceSession.FromBytes(ScaleModel(), new InferenceOptions { Provider = ExecutionProvider.Auto });
        Assert.Equal(ExecutionProvider.Cpu, auto.Provider);
    }

    [Theory]
    [InlineData("cpu", ExecutionProvider.Cpu, 0)]
    [InlineData("auto", ExecutionProvider.Auto, 0)]
    [InlineData("cuda", ExecutionProvider.Cuda, 0)]
    [InlineData("CUDA:3", ExecutionProvider.Cuda, 3)]
    public void Device_names_parse(string text, ExecutionProvider provider, int id) =>
        Assert.Equal((provider, id), InferenceOptions.ParseDevice(text));

    [Theory]
    [InlineData("gpu")]
    [InlineData("cuda:")]
    [InlineData("cuda:-1")]
    [InlineData("cuda:x")]
    [InlineData("")]
    public void Bad_device_names_list_the_accepted_forms(string text)
    {
        var e = Assert.Throws<FormatException>(() => InferenceOptions.ParseDevice(text));
        Assert.Contains("cpu, cuda, cuda:N", e.Message);
    }

    [Fact]
    public void A_binding_keeps_its_tensors_pinned_after_their_owner_disposes_them()
    {
        using var session = InferenceSession.FromBytes(ScaleModel());
        var x = OrtTensor.Create(new float[] { 1, 2, 3, 4 }, 1, 4);
        var y = OrtTensor.Allocate<float>(1, 4);
        var output = session.Outputs[0].Name;
        using var binding = session.Bind(new Dictionary<string, OrtTensor> { ["x"] = x }, new Dictionary<string, OrtTensor?> { [output] = y });
        x.Dispose();                                  // the owner is done with the input; the binding still holds it
        Assert.Throws<ObjectDisposedException>(() => x.Span<float>());
        for (int i = 0; i < 3; i++) { GC.Collect(); binding.Run(); }
        Assert.Equal([3f, 6f, 9f, 12f], y.ToArray<float>());
        y.Dispose();
        Assert.Throws<ObjectDisposedException>(() => session.Bind(new Dictionary<string, OrtTensor> { ["x"] = x }, new Dictionary<string, OrtTensor?> { [output] = null }));
    }

    [Fact]
    public void Model_file_round_trip_loads_from_disk()
    {
        using var dir = new TestData.TempDir();
        var path = dir.File("scale.onnx");
        File.WriteAllBytes(path, ScaleModel());
        using var session = InferenceSession.FromFile(path);
        Assert.Equal(Path.GetFullPath(path), session.Source);
        using var x = OrtTensor.Create(new float[] { 1, 2, 3, 4 }, 1, 4);
        var outputs = session.Run(new Dictionary<string, OrtTensor> { ["x"] = x });
        Assert.Equal([3f, 6f, 9f, 12f], outputs.Values.Single().ToArray<float>());
        outputs.Values.Single().Dispose();
    }
}
