using System.Text;
using PoseLive.Training.Tensors;

namespace PoseLive.Tests.TestSupport;

/// <summary>
/// The deterministic weights of the team's net fixtures (shared/fixtures/nets/README.md: FNV-1a phase,
/// 2·frac(sin·43758.5453)−1 base, per-name rules), so that a model built here can be given exactly the
/// weights the official PyTorch code ran with, without any weight file.
/// </summary>
internal static class FixtureWeights
{
    public static float[] Values(string name, long[] shape)
    {
        uint h = 2166136261;
        foreach (var b in Encoding.UTF8.GetBytes(name)) { h ^= b; h = unchecked(h * 16777619); }
        double phase = (double)(h % 100000) * 0.001;
        long n = shape.Aggregate(1L, (a, b) => a * b);
        long fan = Math.Max(1, shape.Skip(1).Aggregate(1L, (a, b) => a * b));
        var v = new float[n];
        for (long i = 0; i < n; i++)
        {
            double t = Math.Sin(12.9898 * (double)(i + 1) + phase) * 43758.5453;
            double b = 2.0 * (t - Math.Floor(t)) - 1.0;
            double value =
                name.EndsWith("running_var", StringComparison.Ordinal) ? 1.0 + 0.5 * Math.Abs(b) :
                name.EndsWith("running_mean", StringComparison.Ordinal) ? 0.1 * b :
                shape.Length == 1 && name.EndsWith("weight", StringComparison.Ordinal) ? 1.0 + 0.1 * b :
                name.EndsWith("bias", StringComparison.Ordinal) ? 0.1 * b :
                shape.Length >= 2 ? b * Math.Sqrt(3.0 / fan) :
                throw new InvalidOperationException($"no fixture rule for {name}");
            v[i] = (float)value;
        }
        return v;
    }

    /// <summary>Overwrites every state_dict entry of <paramref name="module"/> with its fixture values.</summary>
    public static void Apply(PoseLive.Training.Modules.Module module)
    {
        foreach (var (name, tensor) in module.StateDict())
        {
            if (name.EndsWith("num_batches_tracked", StringComparison.Ordinal)) tensor.CopyFrom(new long[] { 0 });
            else tensor.CopyFrom(Values(name, tensor.Shape));
        }
    }

    /// <summary>Applies the fixture weights and switches to evaluation mode, as the official outputs were made.</summary>
    public static T Official<T>(T module) where T : PoseLive.Training.Modules.Module
    {
        Apply(module);
        module.Eval();
        return module;
    }

    /// <summary>The fixtures' public input as a 1×3×256×192 tensor (in the current dispose scope).</summary>
    public static PoseLive.Training.Tensors.Tensor PublicInput() => PoseLive.Training.Tensors.Tensor.FromArray(Input(3 * 256 * 192), 1, 3, 256, 192);

    /// <summary>The fixtures' public input: x.flat[j] = (float)sin(0.013·(j+1)).</summary>
    public static float[] Input(long count)
    {
        var x = new float[count];
        for (long j = 0; j < count; j++) x[j] = (float)Math.Sin(0.013 * (double)(j + 1));
        return x;
    }
}
