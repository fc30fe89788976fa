using PoseLive.Estimation;
using PoseLive.Pose;

namespace PoseLive.Tests.Estimation;

public sealed class PoseDeduplicationTests
{
    [Fact]
    public void De_duplication_keeps_the_same_people_in_the_same_order_as_OKS_NMS()
    {
        var rng = new Random(11);
        int[] scratch = [];
        var into = new List<PersonPose>();
        int duplicatesRemoved = 0;
        for (int trial = 0; trial < 200; trial++)
        {
            var poses = new List<PersonPose>();
            int people = rng.Next(0, 7);
            for (int p = 0; p < people; p++)
            {
                float x = rng.Next(0, 500), y = rng.Next(0, 300);
                int copies = rng.Next(1, 3);                                         // sometimes two boxes on one person
                for (int c = 0; c < copies; c++)
                {
                    var kps = Enumerable.Range(0, 17).Select(i => new Keypoint(x + i % 4 * 8 + (float)rng.NextDouble() * 2 * c, y + i * 6, 0.3f + (float)rng.NextDouble() * 0.7f)).ToArray();
                    poses.Add(new PersonPose(kps, new BoundingBox(x - 4, y - 4, 40, 110), 0.5f + (float)rng.NextDouble() * 0.5f, (float)Math.Round(rng.NextDouble(), 1)));
                }
            }
            var predictions = poses.Select(p => new PosePrediction(p.Keypoints, p.BoxScore, p.Box.Area)).ToList();
            var expected = OksNms.Suppress(predictions, poses.Select(p => p.Score).ToList(), KeypointSchema.Coco17.Sigmas, 0.9).Select(i => poses[i]).ToList();
            PoseDeduplication.Apply(poses, KeypointSchema.Coco17.Sigmas, into, ref scratch);
            Assert.Equal(expected, into);
            Assert.Equal(expected, PoseDeduplication.Apply(poses, KeypointSchema.Coco17.Sigmas));    // the allocating form too
            duplicatesRemoved += poses.Count - into.Count;
        }
        Assert.True(duplicatesRemoved > 50, $"only {duplicatesRemoved} duplicates removed: the cases do not exercise suppression");
    }
}
