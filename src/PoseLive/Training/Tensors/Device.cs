using PoseLive.Interop.Torch;

namespace PoseLive.Training.Tensors;

public enum DeviceType { Cpu = 0, Cuda = 1 }

/// <summary>Where tensors live: the CPU, or a CUDA device when the loaded libtorch was built with CUDA and one is present.</summary>
public readonly record struct Device(DeviceType Type, int Index = 0)
{
    public static Device Cpu => new(DeviceType.Cpu);

    /// <summary>True when the loaded libtorch can use a CUDA device (Debian's libtorch 1.13 is CPU-only: false).</summary>
    public static bool CudaAvailable => TorchNative.pl_cuda_available() != 0;

    /// <summary>
    /// "cpu", "cuda", "cuda:N" or "auto" (CUDA when available, else CPU). Asking for CUDA where there is none is an
    /// error that says so, rather than a silent fallback.
    /// </summary>
    public static Device Parse(string text)
    {
        var t = text.Trim().ToLowerInvariant();
        if (t == "cpu") return Cpu;
        if (t == "auto") return CudaAvailable ? new Device(DeviceType.Cuda) : Cpu;
        if (t == "cuda" || t.StartsWith("cuda:", StringComparison.Ordinal))
        {
            int index = 0;
            if (t.Length > 4 && !int.TryParse(t[5..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index))
                throw new ArgumentException($"device '{text}': the CUDA index must be a number, e.g. cuda:0");
            if (!CudaAvailable)
                throw new TorchException($"device '{text}': this libtorch ({Torch.Version}) cannot use CUDA — it was built without CUDA or no CUDA device/driver is present. Use --device cpu, or install a CUDA build of libtorch.");
            return new Device(DeviceType.Cuda, index);
        }
        throw new ArgumentException($"device '{text}' is not one of cpu, cuda, cuda:N, auto");
    }

    public override string ToString() => Type == DeviceType.Cpu ? "cpu" : $"cuda:{Index}";
}
