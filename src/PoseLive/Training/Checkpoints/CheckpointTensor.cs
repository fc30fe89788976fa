namespace PoseLive.Training.Checkpoints;

/// <summary>Element type of a checkpoint tensor (from its PyTorch storage class).</summary>
public enum CheckpointDType { Float32, Float64, Float16, Int64, Int32, UInt8, Bool }

/// <summary>One named tensor of a PyTorch state_dict, contiguous row-major data in its own type.</summary>
public sealed record CheckpointTensor(string Name, CheckpointDType DType, long[] Shape, Array Data)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>The values as float32 (integers and halves converted).</summary>
    public float[] ToFloats() => Data switch
    {
        float[] f => f,
        double[] d => d.Select(v => (float)v).ToArray(),
        Half[] h => h.Select(v => (float)v).ToArray(),
        long[] l => l.Select(v => (float)v).ToArray(),
        int[] i => i.Select(v => (float)v).ToArray(),
        byte[] b => b.Select(v => (float)v).ToArray(),
        bool[] b => b.Select(v => v ? 1f : 0f).ToArray(),
        _ => throw new InvalidOperationException($"Unknown tensor data {Data.GetType().Name}."),
    };
}

/// <summary>A checkpoint file is malformed or asks for something the restricted reader refuses to do.</summary>
public sealed class CheckpointFormatException(string message) : Exception(message);
