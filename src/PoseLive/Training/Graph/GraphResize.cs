using PoseLive.Onnx;
using PoseLive.Training.Tensors;

namespace PoseLive.Training.Graph;

/// <summary>
/// ONNX Resize over the two spatial axes of NCHW, as ONNX Runtime computes it, differentiable: linear mode is a
/// product with one interpolation matrix per axis (rows = output positions, two weights each, source coordinates
/// clamped to the input), nearest mode an index selection per axis. Every coordinate transformation mode ONNX defines
/// for these modes is covered, so the asymmetric and half-pixel grids TF.js graphs use match exactly.
/// </summary>
internal static class GraphResize
{
    public static Tensor Run(NodeProto node, Tensor x, Tensor? scales, Tensor? sizes)
    {
        var shape = x.Shape;
        if (shape.Length != 4) throw node.Unsupported($"resizing a rank-{shape.Length} tensor");
        long outH, outW;
        double scaleH, scaleW;
        if (sizes is not null && sizes.ElementCount > 0)
        {
            var s = sizes.ToLongs();
            if (s[0] != shape[0] || s[1] != shape[1]) throw node.Unsupported("resizing the batch or channel axis");
            (outH, outW) = (s[2], s[3]);
            (scaleH, scaleW) = ((double)outH / shape[2], (double)outW / shape[3]);
        }
        else if (scales is not null && scales.ElementCount > 0)
        {
            var s = scales.ToFloats();
            if (s[0] != 1 || s[1] != 1) throw node.Unsupported("resizing the batch or channel axis");
            (scaleH, scaleW) = (s[2], s[3]);
            (outH, outW) = ((long)Math.Floor(shape[2] * scaleH), (long)Math.Floor(shape[3] * scaleW));
        }
        else throw node.Unsupported("a Resize without scales or sizes");

        var mode = node.String("mode", "nearest");
        var transform = node.String("coordinate_transformation_mode", "half_pixel");
        if (mode == "linear")
        {
            using var rows = Matrix(node, transform, shape[2], outH, scaleH);
            using var cols = Matrix(node, transform, shape[3], outW, scaleW);
            using var colsT = cols.Permute(1, 0);
            using var tall = rows.MatMul(x);
            return tall.MatMul(colsT);
        }
        if (mode != "nearest") throw node.Unsupported($"Resize mode '{mode}'");
        var nearest = node.String("nearest_mode", "round_prefer_floor");
        using var hIndex = Tensor.FromArray(Nearest(node, transform, nearest, shape[2], outH, scaleH), outH);
        using var wIndex = Tensor.FromArray(Nearest(node, transform, nearest, shape[3], outW, scaleW), outW);
        using var byRows = x.IndexSelect(2, hIndex);
        return byRows.IndexSelect(3, wIndex);
    }

    /// <summary>
    /// The source coordinate of output position <paramref name="i"/> (ONNX's coordinate_transformation_mode), in float
    /// arithmetic as ONNX Runtime computes it: nearest-neighbour ties (exactly .5) then round the same way.
    /// </summary>
    internal static double Source(NodeProto node, string transform, long i, long inSize, long outSize, double scale64)
    {
        float scale = (float)scale64, x = i;
        return transform switch
        {
            "half_pixel" => (x + 0.5f) / scale - 0.5f,
            "pytorch_half_pixel" => outSize > 1 ? (x + 0.5f) / scale - 0.5f : 0f,
            "align_corners" => outSize == 1 ? 0f : x * (inSize - 1) / (outSize - 1),
            "asymmetric" => x / scale,
            "tf_half_pixel_for_nn" => (x + 0.5f) / scale,
            _ => throw node.Unsupported($"coordinate_transformation_mode '{transform}'"),
        };
    }

    private static Tensor Matrix(NodeProto node, string transform, long inSize, long outSize, double scale)
    {
        var m = new float[outSize * inSize];
        for (long i = 0; i < outSize; i++)
        {
            double x = Math.Clamp(Source(node, transform, i, inSize, outSize, scale), 0, inSize - 1);
            long i0 = (long)Math.Floor(x), i1 = Math.Min(i0 + 1, inSize - 1);
            float w1 = (float)(x - i0);
            m[i * inSize + i0] += 1 - w1;
            m[i * inSize + i1] += w1;
        }
        return Tensor.FromArray(m, outSize, inSize);
    }

    private static long[] Nearest(NodeProto node, string transform, string nearestMode, long inSize, long outSize, double scale)
    {
        var index = new long[outSize];
        for (long i = 0; i < outSize; i++)
        {
            double x = Source(node, transform, i, inSize, outSize, scale);
            double r = nearestMode switch
            {
                "floor" => Math.Floor(x),
                "ceil" => Math.Ceiling(x),
                "round_prefer_ceil" => Math.Floor(x + 0.5),
                "round_prefer_floor" => Math.Ceiling(x - 0.5),
                _ => throw node.Unsupported($"nearest_mode '{nearestMode}'"),
            };
            index[i] = Math.Clamp((long)r, 0, inSize - 1);
        }
        return index;
    }
}
