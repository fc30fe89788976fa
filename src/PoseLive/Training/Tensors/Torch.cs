using PoseLive.Interop.Torch;

namespace PoseLive.Training.Tensors;

/// <summary>Process-wide libtorch settings and counters.</summary>
public static class Torch
{
    /// <summary>The libtorch version the shim was built against (e.g. "1.13.1").</summary>
    public static string Version => TorchCalls.Version;

    /// <summary>Tensor handles created through PoseLive and not yet released (tests assert on it for leaks).</summary>
    public static long LiveTensors => TorchNative.pl_torch_live_tensors();

    /// <summary>Intra-op threads libtorch uses; set explicitly (its default may oversubscribe with ORT).</summary>
    public static int Threads
    {
        get => TorchNative.pl_torch_get_num_threads();
        set => TorchError.Check(TorchNative.pl_torch_set_num_threads(value), "set_num_threads");
    }

    /// <summary>
    /// Bytes of freed large CPU blocks the caching allocator keeps for reuse (steps of a training loop allocate the
    /// same sizes, so they skip the page faults and zero-filling of fresh memory).
    /// </summary>
    public static long CachedBytes => TorchNative.pl_torch_cached_bytes();

    /// <summary>Most bytes the allocator keeps cached (default a quarter of physical memory, or POSELIVE_TORCH_CACHE_MB); 0 disables caching.</summary>
    public static void SetCacheLimit(long bytes) => TorchMemory.Configure(bytes);

    /// <summary>Frees every cached block (e.g. between training and a memory-hungry export).</summary>
    public static void EmptyCache() => TorchNative.pl_torch_empty_cache();

    /// <summary>
    /// Treats denormal floats as zero on the calling thread (torch.set_flush_denormal): tiny gradients of deep nets
    /// otherwise run through the CPU's slow denormal path. Returns false where the CPU lacks the control bits.
    /// </summary>
    public static bool FlushDenormal(bool on) => TorchNative.pl_torch_set_flush_denormal(on ? 1 : 0) != 0;

    public static void ManualSeed(ulong seed) => TorchError.Check(TorchNative.pl_torch_manual_seed(seed), "manual_seed");

    public static bool GradEnabled => TorchNative.pl_torch_is_grad_enabled() != 0;

    /// <summary>Disables autograd recording on this thread until disposed (torch.no_grad()).</summary>
    public static IDisposable NoGrad() => new GradMode(false);

    private sealed class GradMode : IDisposable
    {
        private readonly bool _previous;
        private bool _disposed;
        public GradMode(bool enabled)
        {
            _previous = GradEnabled;
            TorchError.Check(TorchNative.pl_torch_set_grad_enabled(enabled ? 1 : 0), "set_grad_enabled");
        }
        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            TorchError.Check(TorchNative.pl_torch_set_grad_enabled(_previous ? 1 : 0), "set_grad_enabled");
        }
    }
}

/// <summary>A libtorch operation failed; the message is libtorch's.</summary>
public sealed class TorchException(string message) : Exception(message);
