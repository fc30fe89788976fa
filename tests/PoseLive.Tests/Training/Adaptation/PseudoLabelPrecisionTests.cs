using PoseLive.Pose;
using PoseLive.Training.Adaptation;

namespace PoseLive.Tests.Training.Adaptation;

public class PseudoLabelPrecisionTests
{
    [Fact]
    public void Precision_counts_keypoints_within_005_and_01_of_the_size_and_skips_missing_ones()
    {
        var p = new PseudoLabelPrecision();
        Assert.Null(p.Precision05);
        var truth = new Keypoint(100, 50, 1);
        const double size = 200;                          // 0.05 → 10 px, 0.1 → 20 px
        p.Add(new Keypoint(106, 58, 1), truth, size);      // 10 px: within 0.05 (the bound is inclusive)
        p.Add(new Keypoint(100, 65, 1), truth, size);      // 15 px: within 0.1 only
        p.Add(new Keypoint(112, 66, 1), truth, size);      // 20 px: within 0.1 only
        p.Add(new Keypoint(130, 50, 1), truth, size);      // 30 px: neither
        p.Add(new Keypoint(float.NaN, float.NaN, 0), truth, size);      // no label: not judged
        p.Add(new Keypoint(100, 50, 1), new Keypoint(float.NaN, float.NaN, 0), size); // no truth: not judged
        Assert.Equal(4, p.Judged);
        Assert.Equal(1, p.Within05);
        Assert.Equal(3, p.Within10);
        Assert.Equal(0.25, p.Precision05);
        Assert.Equal(0.75, p.Precision10);
    }
}
