using PoseLive.Inference;
using PoseLive.Models.TfJs;
using PoseLive.Onnx;
using PoseLive.Tests.TestSupport;
using W = PoseLive.Tests.TestSupport.TfJsModelWriter;

namespace PoseLive.Tests.Models;

/// <summary>The TF.js → ONNX importer on small graphs, checked against NHWC references computed in C#.</summary>
public class TfJsImporterTests
{
    private static float[] RunNchw(string modelJson, Dictionary<string, string> outputs, float[] nhwcInput, long[] shape, string inputName = "x")
    {
        var model = TfJsToOnnx.Convert(TfJsModelReader.Read(modelJson), new TfJsImportOptions { Outputs = outputs });
        using var session = InferenceSession.FromBytes(model.ToByteArray(), new InferenceOptions { IntraOpThreads = 1 });
        using var t = OrtTensor.Create(nhwcInput, shape);
        var result = session.Run(new Dictionary<string, OrtTensor> { [inputName] = t });
        try { return result[outputs.Values.First()].ToArray<float>(); }
        finally { foreach (var v in result.Values) v.Dispose(); }
    }

    /// <summary>NHWC → NCHW for a [1, h, w, c] tensor.</summary>
    private static float[] ToNchw(float[] nhwc, int h, int w, int c)
    {
        var r = new float[nhwc.Length];
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int k = 0; k < c; k++) r[(k * h + y) * w + x] = nhwc[(y * w + x) * c + k];
        return r;
    }

    /// <summary>TF conv2d, NHWC, HWIO filter, SAME (extra pixel at the end) or VALID padding.</summary>
    private static float[] TfConv(float[] x, int h, int w, int cin, float[] f, int k, int cout, int stride, bool same, out int oh, out int ow)
    {
        oh = same ? (h + stride - 1) / stride : (h - k) / stride + 1;
        ow = same ? (w + stride - 1) / stride : (w - k) / stride + 1;
        int padTop = same ? Math.Max((oh - 1) * stride + k - h, 0) / 2 : 0, padLeft = same ? Math.Max((ow - 1) * stride + k - w, 0) / 2 : 0;
        var y = new float[oh * ow * cout];
        for (int oy = 0; oy < oh; oy++) for (int ox = 0; ox < ow; ox++) for (int o = 0; o < cout; o++)
        {
            double acc = 0;
            for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++) for (int c = 0; c < cin; c++)
            {
                int iy = oy * stride - padTop + ky, ix = ox * stride - padLeft + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                acc += x[(iy * w + ix) * cin + c] * f[((ky * k + kx) * cin + c) * cout + o];
            }
            y[(oy * ow + ox) * cout + o] = (float)acc;
        }
        return y;
    }

    [Theory]
    [InlineData("SAME", 2, null)]
    [InlineData("VALID", 1, null)]
    [InlineData("SAME", 1, "float16")]
    public void Fused_conv_bias_relu6_matches_a_tf_reference(string padding, int stride, string? quantization)
    {
        using var dir = new TestData.TempDir();
        const int h = 7, w = 6, cin = 3, cout = 4, k = 3;
        var x = TestData.Floats(h * w * cin, 1, 4);
        var f = TestData.Floats(k * k * cin * cout, 2);
        var b = TestData.Floats(cout, 3);
        var path = new W().Placeholder("x", "DT_FLOAT", 1, h, w, cin).Const("f", f, [k, k, cin, cout], quantization).Const("b", b, [cout])
            .Node("conv", "_FusedConv2D", ["x", "f", "b"], W.ConvAttributes(padding, stride, "BiasAdd", "Relu6")).Write(dir.Path);
        var fq = quantization == "float16" ? f.Select(v => (float)(Half)v).ToArray() : f;   // the weights as stored
        var expected = TfConv(x, h, w, cin, fq, k, cout, stride, padding == "SAME", out int oh, out int ow);
        for (int i = 0; i < expected.Length; i++) expected[i] = Math.Clamp(expected[i] + b[i % cout], 0, 6);

        var actual = RunNchw(path, new() { ["conv"] = "y" }, x, [1, h, w, cin]);

        Assert.True(TestData.MaxAbsDiff(ToNchw(expected, oh, ow, cout), actual) < 1e-4);
        Assert.Contains(actual, v => v == 6f);   // the data reaches the Relu6 ceiling…
        Assert.Contains(actual, v => v == 0f);   // …and its floor
    }

    [Fact]
    public void Depthwise_with_multiplier_maps_channels_as_tf_does()
    {
        using var dir = new TestData.TempDir();
        const int h = 5, w = 5, c = 2, m = 2, k = 3;
        var x = TestData.Floats(h * w * c, 4);
        var f = TestData.Floats(k * k * c * m, 5);
        var path = new W().Placeholder("x", "DT_FLOAT", 1, h, w, c).Const("f", f, [k, k, c, m])
            .Node("dw", "DepthwiseConv2dNative", ["x", "f"], W.ConvAttributes("SAME", 1)).Write(dir.Path);
        var expected = new float[h * w * c * m];
        for (int y = 0; y < h; y++) for (int xx = 0; xx < w; xx++) for (int ch = 0; ch < c; ch++) for (int mm = 0; mm < m; mm++)
        {
            double acc = 0;
            for (int ky = 0; ky < k; ky++) for (int kx = 0; kx < k; kx++)
            {
                int iy = y - 1 + ky, ix = xx - 1 + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                acc += x[(iy * w + ix) * c + ch] * f[((ky * k + kx) * c + ch) * m + mm];
            }
            expected[(y * w + xx) * c * m + ch * m + mm] = (float)acc;   // TF output channel = ch·m + mm
        }
        var actual = RunNchw(path, new() { ["dw"] = "y" }, x, [1, h, w, c]);
        Assert.True(TestData.MaxAbsDiff(ToNchw(expected, h, w, c * m), actual) < 1e-5);
    }

    [Theory]
    [InlineData(false, true, ReferenceOps.ResizeMode.LinearHalfPixel)]
    [InlineData(true, false, ReferenceOps.ResizeMode.LinearAlignCorners)]
    public void Resize_bilinear_flags_map_to_onnx_coordinate_modes(bool alignCorners, bool halfPixel, ReferenceOps.ResizeMode mode)
    {
        using var dir = new TestData.TempDir();
        var x = TestData.Floats(3 * 4 * 2, 6);
        var path = new W().Placeholder("x", "DT_FLOAT", 1, 3, 4, 2).IntConst("size", [6, 7], [2])
            .Node("up", "ResizeBilinear", ["x", "size"], W.Bools(("align_corners", alignCorners), ("half_pixel_centers", halfPixel))).Write(dir.Path);
        var expected = ReferenceOps.Resize(ToNchw(x, 3, 4, 2), 2, 3, 4, 6, 7, mode);
        Assert.True(TestData.MaxAbsDiff(expected, RunNchw(path, new() { ["up"] = "y" }, x, [1, 3, 4, 2])) < 1e-5);
    }

    [Fact]
    public void Channel_constants_reductions_concat_and_pad_keep_tf_semantics_in_nchw()
    {
        using var dir = new TestData.TempDir();
        const int h = 3, w = 4, c = 2;
        var x = TestData.Floats(h * w * c, 7);
        float[] scale = [2f, -3f];
        var path = new W().Placeholder("x", "DT_FLOAT", 1, h, w, c)
            .Const("one", [1f], [1, 1], null).Const("f", [1f, 0f, 0f, 1f], [1, 1, c, c])
            .Node("nchw", "Conv2D", ["x", "f"], W.ConvAttributes("VALID", 1))          // identity conv: forces NCHW
            .Const("scale", scale, [c])
            .Node("scaled", "Mul", ["nchw", "scale"])                                   // per-channel constant broadcast
            .IntConst("axes", [1, 2], [2])
            .Node("mean", "Mean", ["scaled", "axes"], W.Bools(("keep_dims", true)))      // [1,1,1,C]
            .Node("plus", "AddV2", ["scaled", "mean"])
            .IntConst("axis", [3], [])
            .Node("cat", "ConcatV2", ["plus", "scaled", "axis"])                         // channels: 2C
            .IntConst("pads", [0, 0, 1, 0, 0, 2, 0, 0], [4, 2])
            .Node("padded", "Pad", ["cat", "pads"]).Write(dir.Path);
        // reference in NHWC
        var scaled = x.Select((v, i) => v * scale[i % c]).ToArray();
        var mean = new float[c];
        for (int i = 0; i < scaled.Length; i++) mean[i % c] += scaled[i] / (h * w);
        var expected = new float[(h + 1) * (w + 2) * 2 * c];
        for (int y = 0; y < h; y++) for (int xx = 0; xx < w; xx++) for (int k = 0; k < 2 * c; k++)
        {
            float s = scaled[(y * w + xx) * c + k % c];
            expected[((y + 1) * (w + 2) + xx) * 2 * c + k] = k < c ? s + mean[k] : s;
        }
        var actual = RunNchw(path, new() { ["padded"] = "y" }, x, [1, h, w, c]);
        Assert.True(TestData.MaxAbsDiff(ToNchw(expected, h + 1, w + 2, 2 * c), actual) < 1e-5);
    }

    [Fact]
    public void Quantised_weights_are_dequantised()
    {
        using var dir = new TestData.TempDir();
        float[] values = [-1f, -0.5f, 0.25f, 3f];
        var path = new W().Placeholder("x", "DT_FLOAT", 1, 1, 1, 1).Const("h", values, [4], "float16").Const("u", values, [4], "uint8").Write(dir.Path);
        var graph = TfJsModelReader.Read(path);
        Assert.Equal(values, graph.Constants["h"].Floats);                         // exactly representable in float16
        float step = 4f / 255;
        for (int i = 0; i < 4; i++) Assert.True(Math.Abs(graph.Constants["u"].Floats![i] - values[i]) <= step / 2 + 1e-6);
    }

    [Fact]
    public void Input_override_replaces_batch_one_preprocessing_and_makes_batch_dynamic()
    {
        using var dir = new TestData.TempDir();
        var path = new W().Placeholder("input", "DT_INT32", 1, 2, 2, 3)
            .Node("cast", "Cast", ["input"], new() { ["DstT"] = new System.Text.Json.Nodes.JsonObject { ["type"] = "DT_FLOAT" } })
            .IntConst("zero", [0], [])
            .Node("squeezed", "Squeeze", ["cast"], new() { ["squeeze_dims"] = new System.Text.Json.Nodes.JsonObject { ["list"] = new System.Text.Json.Nodes.JsonObject { ["i"] = new System.Text.Json.Nodes.JsonArray("0") } } })
            .Node("stack", "ExpandDims", ["squeezed", "zero"])
            .Const("half", [0.5f], [])
            .Node("y", "Mul", ["stack", "half"]).Write(dir.Path);
        var model = TfJsToOnnx.Convert(TfJsModelReader.Read(path), new TfJsImportOptions
        {
            Outputs = new Dictionary<string, string> { ["y"] = "y" },
            InputOverrides = new Dictionary<string, (string, OnnxDataType, long[])> { ["stack"] = ("image", OnnxDataType.Int32, [-1, 2, 2, 3]) },
        });
        using var session = InferenceSession.FromBytes(model.ToByteArray());
        Assert.Equal("image", Assert.Single(session.Inputs).Name);
        using var t = OrtTensor.Create(Enumerable.Range(0, 24).ToArray(), 2, 2, 2, 3);                  // batch 2
        var result = session.Run(new Dictionary<string, OrtTensor> { ["image"] = t });
        var expected = new float[24];                                    // rank-4 outputs are NCHW: [2, 3, 2, 2]
        for (int n = 0; n < 2; n++)
            ToNchw(Enumerable.Range(n * 12, 12).Select(i => i * 0.5f).ToArray(), 2, 2, 3).CopyTo(expected, n * 12);
        Assert.Equal([2L, 3, 2, 2], result["y"].Shape.ToArray());
        Assert.Equal(expected, result["y"].ToArray<float>());
        result["y"].Dispose();
    }

    [Fact]
    public void Unknown_op_is_named_with_its_node()
    {
        using var dir = new TestData.TempDir();
        var path = new W().Placeholder("x", "DT_FLOAT", 1, 2, 2, 1).Node("mystery", "Frobnicate", ["x"]).Write(dir.Path);
        var e = Assert.Throws<TfJsUnsupportedException>(() => TfJsToOnnx.Convert(TfJsModelReader.Read(path), new TfJsImportOptions { Outputs = new Dictionary<string, string> { ["mystery"] = "y" } }));
        Assert.Contains("unsupported op Frobnicate (node 'mystery')", e.Message);
        var missing = Assert.Throws<TfJsUnsupportedException>(() => TfJsToOnnx.Convert(TfJsModelReader.Read(path), new TfJsImportOptions { Outputs = new Dictionary<string, string> { ["nowhere"] = "y" } }));
        Assert.Contains("output tensor 'nowhere' is not a node", missing.Message);
    }

    [Fact]
    public void Truncated_missing_or_oversized_shards_and_bad_json_are_named()
    {
        using var dir = new TestData.TempDir();
        var path = new W().Placeholder("x", "DT_FLOAT", 1, 1, 1, 1).Const("w", TestData.Floats(100, 8), [100]).Write(dir.Path);
        var bin = Path.Combine(dir.Path, "model.bin");
        var bytes = File.ReadAllBytes(bin);
        File.WriteAllBytes(bin, bytes.AsSpan(0, 250).ToArray());
        Assert.Contains("end before weight 'w' is complete", Assert.Throws<TfJsFormatException>(() => TfJsModelReader.Read(path)).Message);
        File.WriteAllBytes(bin, [.. bytes, 1, 2, 3, 4]);
        Assert.Contains("more bytes than the manifest describes", Assert.Throws<TfJsFormatException>(() => TfJsModelReader.Read(path)).Message);
        File.Delete(bin);
        Assert.Contains("is missing", Assert.Throws<TfJsFormatException>(() => TfJsModelReader.Read(path)).Message);
        File.WriteAllText(path, "{ not json");
        Assert.Contains("not valid JSON", Assert.Throws<TfJsFormatException>(() => TfJsModelReader.Read(path)).Message);
        File.WriteAllText(path, "{\"format\": \"layers-model\"}");
        Assert.Contains("not a TF.js graph model", Assert.Throws<TfJsFormatException>(() => TfJsModelReader.Read(path)).Message);
    }
}
