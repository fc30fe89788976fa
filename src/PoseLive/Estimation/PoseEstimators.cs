using PoseLive.Inference;
using PoseLive.Models;

namespace PoseLive.Estimation;

/// <summary>Creates the estimator a model card asks for.</summary>
public static class PoseEstimators
{
    public static IPoseEstimator Create(ModelCard card, string onnxPath, InferenceOptions? options = null, bool flipTest = false) =>
        card.Decoder == "movenet" ? new MoveNetEstimator(card, onnxPath, options) : new HeatmapPoseEstimator(card, onnxPath, options, flipTest);
}
