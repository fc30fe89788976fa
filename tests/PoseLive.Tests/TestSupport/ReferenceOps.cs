namespace PoseLive.Tests.TestSupport;

/// <summary>
/// Straightforward C# implementations of the ONNX operators the tests exercise, written from the ONNX
/// operator definitions (double accumulation, no shortcuts), to check ONNX Runtime's outputs against.
/// Tensors are flat row-major arrays with explicit shapes.
/// </summary>
public static class ReferenceOps
{
    /// <summary>Conv (NCHW), weights [M, C/group, kH, kW], symmetric padding, optional bias.</summary>
    public static float[] Conv(float[] x, int n, int c, int h, int w, float[] weight, int m, int kh, int kw,
        float[]? bias, int stride, int pad, int group, out int oh, out int ow)
    {
        oh = (h + 2 * pad - kh) / stride + 1;
        ow = (w + 2 * pad - kw) / stride + 1;
        int cPerGroup = c / group, mPerGroup = m / group;
        var y = new float[n * m * oh * ow];
        for (int b = 0; b < n; b++)
        for (int oc = 0; oc < m; oc++)
        {
            int g = oc / mPerGroup;
            for (int oy = 0; oy < oh; oy++)
            for (int ox = 0; ox < ow; ox++)
            {
                double acc = bias?[oc] ?? 0;
                for (int ic = 0; ic < cPerGroup; ic++)
                for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++)
                {
                    int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                    int inC = g * cPerGroup + ic;
                    acc += (double)x[((b * c + inC) * h + iy) * w + ix] * weight[((oc * cPerGroup + ic) * kh + ky) * kw + kx];
                }
                y[((b * m + oc) * oh + oy) * ow + ox] = (float)acc;
            }
        }
        return y;
    }

    /// <summary>Gemm with transB: Y[i,j] = alpha * sum_k A[i,k] B[j,k] + beta * C[j].</summary>
    public static float[] GemmTransB(float[] a, int rows, int inner, float[] b, int cols, float[] c, float alpha, float beta)
    {
        var y = new float[rows * cols];
        for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
        {
            double acc = 0;
            for (int k = 0; k < inner; k++) acc += (double)a[i * inner + k] * b[j * inner + k];
            y[i * cols + j] = (float)(alpha * acc + beta * c[j]);
        }
        return y;
    }

    /// <summary>MaxPool (NCHW) with symmetric padding (padding never wins).</summary>
    public static float[] MaxPool(float[] x, int n, int c, int h, int w, int k, int stride, int pad, out int oh, out int ow)
    {
        oh = (h + 2 * pad - k) / stride + 1;
        ow = (w + 2 * pad - k) / stride + 1;
        var y = new float[n * c * oh * ow];
        for (int p = 0; p < n * c; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            float best = float.NegativeInfinity;
            for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
            {
                int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                best = Math.Max(best, x[(p * h + iy) * w + ix]);
            }
            y[(p * oh + oy) * ow + ox] = best;
        }
        return y;
    }

    public enum ResizeMode { NearestAsymmetricFloor, LinearHalfPixel, LinearAlignCorners }

    /// <summary>Resize of the two spatial axes of an NCHW tensor to (oh, ow).</summary>
    public static float[] Resize(float[] x, int planes, int h, int w, int oh, int ow, ResizeMode mode)
    {
        var y = new float[planes * oh * ow];
        double sy = (double)oh / h, sx = (double)ow / w;
        for (int p = 0; p < planes; p++)
        for (int oy = 0; oy < oh; oy++)
        for (int ox = 0; ox < ow; ox++)
        {
            float v;
            if (mode == ResizeMode.NearestAsymmetricFloor)
            {
                int iy = Math.Min(h - 1, (int)Math.Floor(oy / sy)), ix = Math.Min(w - 1, (int)Math.Floor(ox / sx));
                v = x[(p * h + iy) * w + ix];
            }
            else
            {
                double fy = mode == ResizeMode.LinearHalfPixel ? (oy + 0.5) / sy - 0.5 : (oh == 1 ? 0 : oy * (h - 1.0) / (oh - 1));
                double fx = mode == ResizeMode.LinearHalfPixel ? (ox + 0.5) / sx - 0.5 : (ow == 1 ? 0 : ox * (w - 1.0) / (ow - 1));
                fy = Math.Clamp(fy, 0, h - 1);
                fx = Math.Clamp(fx, 0, w - 1);
                int y0 = (int)Math.Floor(fy), x0 = (int)Math.Floor(fx);
                int y1 = Math.Min(y0 + 1, h - 1), x1 = Math.Min(x0 + 1, w - 1);
                double ty = fy - y0, tx = fx - x0;
                double a = x[(p * h + y0) * w + x0], b = x[(p * h + y0) * w + x1];
                double c = x[(p * h + y1) * w + x0], d = x[(p * h + y1) * w + x1];
                v = (float)((a * (1 - tx) + b * tx) * (1 - ty) + (c * (1 - tx) + d * tx) * ty);
            }
            y[(p * oh + oy) * ow + ox] = v;
        }
        return y;
    }

    public static float Sigmoid(float v) => (float)(1.0 / (1.0 + Math.Exp(-v)));

    public static float Relu(float v) => Math.Max(0, v);
}
