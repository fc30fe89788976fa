namespace PoseLive.Pose.Geometry;

/// <summary>Colour order of a network input.</summary>
public enum ChannelOrder { Rgb, Bgr }

/// <summary>
/// How pixel values (0..255) become network input values: value = (pixel − Mean[c]) / Std[c], with
/// channels in <see cref="Order"/>. Mean and Std are in 0..255 units (ImageNet: 123.675/58.395, …).
/// </summary>
public sealed record InputNormalization(float[] Mean, float[] Std, ChannelOrder Order)
{
    /// <summary>ImageNet mean/std in RGB order (HRNet, DARK).</summary>
    public static InputNormalization ImageNetRgb { get; } = new([123.675f, 116.28f, 103.53f], [58.395f, 57.12f, 57.375f], ChannelOrder.Rgb);

    /// <summary>ImageNet mean/std with BGR input (SimpleBaseline, LPN weights).</summary>
    public static InputNormalization ImageNetBgr { get; } = new([103.53f, 116.28f, 123.675f], [57.375f, 57.12f, 58.395f], ChannelOrder.Bgr);

    /// <summary>Raw 0..255 values in RGB (CenterNet-MobileNetV3, MoveNet).</summary>
    public static InputNormalization Raw255Rgb { get; } = new([0f, 0f, 0f], [1f, 1f, 1f], ChannelOrder.Rgb);

    /// <summary>Network value of RGB pixel channel <paramref name="rgbChannel"/> for output channel index.</summary>
    internal (int SourceChannel, float Scale, float Offset) Channel(int outputChannel)
    {
        int src = Order == ChannelOrder.Rgb ? outputChannel : 2 - outputChannel;
        float scale = 1f / Std[outputChannel];
        return (src, scale, -Mean[outputChannel] * scale);
    }
}
