using PoseLive.Pose;
using PoseLive.Training.Adaptation;

namespace PoseLive.Tests.Training.Adaptation;

/// <summary>The people pseudo-label rule on constructed cases: a box of longer side 200 px and tolerances of 0.05, so 10 px.</summary>
public class TeacherLabelRuleTests
{
    private static readonly TeacherLabelSettings Rule = new() { FlipTolerance = 0.05, TemporalTolerance = 0.05 };
    private static readonly Keypoint Here = new(100, 50, 0.8f);

    [Theory]
    [InlineData(0.29f, KeypointVerdict.NotConfident)]
    [InlineData(0.30f, KeypointVerdict.Kept)]
    public void A_keypoint_below_the_score_threshold_is_not_confident(float score, KeypointVerdict expected) =>
        Assert.Equal(expected, Rule.Judge(Here with { Score = score }, new Keypoint(104, 50, 0.7f), new Keypoint(98, 49, 0.9f), (101, 51, true), 200));

    [Theory]
    [InlineData(109.9f, KeypointVerdict.Kept)]            // 9.9 px from the mirrored pass's answer: within 0.05 × 200
    [InlineData(110.1f, KeypointVerdict.FlipDisagrees)]   // 10.1 px
    public void The_mirrored_pass_must_agree_within_the_flip_tolerance(float mirroredX, KeypointVerdict expected) =>
        Assert.Equal(expected, Rule.Judge(Here, new Keypoint(mirroredX, 50, 0.6f), new Keypoint(98, 49, 0.9f), (100, 50, true), 200));

    [Fact]
    public void A_keypoint_the_mirrored_pass_missed_disagrees() =>
        Assert.Equal(KeypointVerdict.FlipDisagrees, Rule.Judge(Here, Keypoint.Missing, new Keypoint(98, 49, 0.9f), (100, 50, true), 200));

    [Theory]
    [InlineData(106f, 58f, KeypointVerdict.Kept)]              // the flow put the previous keypoint 10 px away: just within
    [InlineData(106f, 58.1f, KeypointVerdict.TemporalDisagrees)]
    public void The_flowed_previous_keypoint_must_land_within_the_temporal_tolerance(float fx, float fy, KeypointVerdict expected) =>
        Assert.Equal(expected, Rule.Judge(Here, new Keypoint(101, 50, 0.7f), new Keypoint(90, 40, 0.9f), (fx, fy, true), 200));

    [Fact]
    public void Without_evidence_over_time_a_keypoint_is_not_kept()
    {
        var mirrored = new Keypoint(101, 50, 0.7f);
        Assert.Equal(KeypointVerdict.Unjudged, Rule.Judge(Here, mirrored, null, null, 200));                                  // a track's first frame
        Assert.Equal(KeypointVerdict.Unjudged, Rule.Judge(Here, mirrored, new Keypoint(98, 49, 0.9f), (100, 50, false), 200)); // the flow lost it
        Assert.Equal(KeypointVerdict.Unjudged, Rule.Judge(Here, mirrored, new Keypoint(98, 49, 0.2f), (100, 50, true), 200));  // it was not confident then
        Assert.Equal(KeypointVerdict.Unjudged, Rule.Judge(Here, mirrored, Keypoint.Missing, (100, 50, true), 200));
    }

    [Fact]
    public void The_default_tolerances_are_fifteen_hundredths_of_the_box()
    {
        var rule = new TeacherLabelSettings();
        Assert.Equal(KeypointVerdict.Kept, rule.Judge(Here, new Keypoint(129.9f, 50, 0.7f), new Keypoint(90, 40, 0.9f), (118, 74, true), 200)); // 29.9 and 30 px
        Assert.Equal(KeypointVerdict.FlipDisagrees, rule.Judge(Here, new Keypoint(130.1f, 50, 0.7f), null, null, 200));
        Assert.Equal(KeypointVerdict.TemporalDisagrees, rule.Judge(Here, new Keypoint(129.9f, 50, 0.7f), new Keypoint(90, 40, 0.9f), (118, 74.2f, true), 200));
    }

    [Fact]
    public void Switching_a_check_off_skips_it()
    {
        var noFlip = Rule with { Flip = false };
        Assert.Equal(KeypointVerdict.Kept, noFlip.Judge(Here, Keypoint.Missing, new Keypoint(98, 49, 0.9f), (100, 50, true), 200));
        var noTemporal = Rule with { Temporal = false };
        Assert.Equal(KeypointVerdict.Kept, noTemporal.Judge(Here, new Keypoint(101, 50, 0.7f), null, null, 200));
        Assert.Equal(KeypointVerdict.FlipDisagrees, noTemporal.Judge(Here, new Keypoint(150, 50, 0.7f), null, null, 200));
    }
}
