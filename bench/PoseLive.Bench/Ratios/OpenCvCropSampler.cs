using OpenCvSharp;
using PoseLive.Pose.Geometry;

namespace PoseLive.Bench.Ratios;

/// <summary>
/// The OpenCV way to build the tensor <see cref="CropSampler.Crop"/> builds: per crop, cv2.warpAffine
/// (INTER_LINEAR, BORDER_CONSTANT 0) of the RGB24 frame with the crop's ImageToInput matrix into an 8-bit
/// H×W×3 image, mixChannels into three 8-bit planes, and convertTo (alpha = 1/std, beta = −mean/std)
/// straight into the destination planes. Every Mat is allocated once: the frame, the 2×3 matrix and the
/// destination are headers over pinned managed arrays, so a run allocates nothing.
/// </summary>
internal sealed class OpenCvCropSampler : IDisposable
{
    private readonly Mat _frame;
    private readonly double[] _matrix = new double[6];
    private readonly Mat _m;
    private readonly Mat _warped;
    private readonly Mat[] _warpedArray;
    private readonly Mat[] _channels;
    private readonly Mat _whole;
    private readonly Mat[] _planes;
    private readonly (double Alpha, double Beta, int Source)[] _normalise = new (double, double, int)[3];
    private readonly int[] _fromTo = [0, 0, 1, 1, 2, 2];
    private readonly int _w, _h;

    public OpenCvCropSampler(byte[] rgb, int width, int height, int stride, int crops, int inputWidth, int inputHeight,
        InputNormalization normalization, float[] output)
    {
        if (output.Length != crops * 3 * inputWidth * inputHeight) throw new ArgumentException("Output size does not match the crops.");
        (_w, _h) = (inputWidth, inputHeight);
        _frame = Mat.FromPixelData(height, width, MatType.CV_8UC3, rgb, stride); // the frame's padded row stride
        _m = Mat.FromPixelData(2, 3, MatType.CV_64FC1, _matrix);
        _warped = new Mat(inputHeight, inputWidth, MatType.CV_8UC3);
        _warpedArray = [_warped];
        _channels = [new Mat(inputHeight, inputWidth, MatType.CV_8UC1), new Mat(inputHeight, inputWidth, MatType.CV_8UC1), new Mat(inputHeight, inputWidth, MatType.CV_8UC1)];
        _whole = Mat.FromPixelData(crops * 3 * inputHeight, inputWidth, MatType.CV_32FC1, output);
        _planes = new Mat[crops * 3];
#pragma warning disable OCVS004 // the plane views live as long as this object: Dispose releases them
        for (int p = 0; p < _planes.Length; p++) _planes[p] = _whole.RowRange(p * inputHeight, (p + 1) * inputHeight);
#pragma warning restore OCVS004
        for (int c = 0; c < 3; c++)
        {
            var (source, scale, offset) = normalization.Channel(c);
            _normalise[c] = (scale, offset, source);
        }
    }

    /// <summary>Fills the output tensor with crops[0..n) (their count must match the constructor's).</summary>
    public void Crop(IReadOnlyList<TopDownCrop> crops)
    {
        var size = new Size(_w, _h);
        for (int n = 0; n < crops.Count; n++)
        {
            var a = crops[n].ImageToInput;
            (_matrix[0], _matrix[1], _matrix[2], _matrix[3], _matrix[4], _matrix[5]) = (a.A, a.B, a.C, a.D, a.E, a.F);
            Cv2.WarpAffine(_frame, _warped, _m, size, InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
            Cv2.MixChannels(_warpedArray, _channels, _fromTo);
            for (int c = 0; c < 3; c++)
            {
                var (alpha, beta, source) = _normalise[c];
                _channels[source].ConvertTo(_planes[n * 3 + c], MatType.CV_32FC1, alpha, beta);
            }
        }
    }

    /// <summary>Only the warpAffine step of <see cref="Crop"/> (for the time breakdown).</summary>
    public void WarpOnly(IReadOnlyList<TopDownCrop> crops)
    {
        var size = new Size(_w, _h);
        for (int n = 0; n < crops.Count; n++)
        {
            var a = crops[n].ImageToInput;
            (_matrix[0], _matrix[1], _matrix[2], _matrix[3], _matrix[4], _matrix[5]) = (a.A, a.B, a.C, a.D, a.E, a.F);
            Cv2.WarpAffine(_frame, _warped, _m, size, InterpolationFlags.Linear, BorderTypes.Constant, Scalar.All(0));
        }
    }

    public void Dispose()
    {
        foreach (var p in _planes) p.Dispose();
        foreach (var c in _channels) c.Dispose();
        _whole.Dispose();
        _warped.Dispose();
        _m.Dispose();
        _frame.Dispose();
    }
}
