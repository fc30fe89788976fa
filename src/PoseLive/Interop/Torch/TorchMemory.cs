namespace PoseLive.Interop.Torch;

/// <summary>
/// The shim's caching CPU allocator (native/torchshim/caching_allocator.cpp): installed when the shim is first used,
/// keeping up to a quarter of physical memory of freed large blocks for reuse (training allocates the same sizes every
/// step). POSELIVE_TORCH_CACHE_MB overrides the limit; 0 turns caching off.
/// </summary>
internal static class TorchMemory
{
    public static long DefaultLimitBytes()
    {
        var env = Environment.GetEnvironmentVariable("POSELIVE_TORCH_CACHE_MB");
        if (!string.IsNullOrWhiteSpace(env))
        {
            if (long.TryParse(env, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var mb)) return mb << 20;
            // Reached from a type initialiser, where an exception would surface as an opaque TypeInitializationException.
            Diagnostics.Log.Warning("libtorch", $"POSELIVE_TORCH_CACHE_MB must be a whole number of megabytes (0 turns the cache off), not '{env}'; using the default");
        }
        return PhysicalMemoryBytes() / 4;
    }

    /// <summary>MemTotal from /proc/meminfo (GC.GetGCMemoryInfo reports 0 until the first collection); 4 GiB if unreadable.</summary>
    private static long PhysicalMemoryBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal)) continue;
                var kb = line["MemTotal:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, System.Globalization.CultureInfo.InvariantCulture) * 1024;
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return 4L << 30;
    }

    public static void InstallDefault()
    {
        long limit = DefaultLimitBytes();
        TorchError.Check(TorchNative.pl_torch_caching_allocator(limit > 0 ? 1 : 0, limit), "caching allocator");
    }

    public static void Configure(long limitBytes) =>
        TorchError.Check(TorchNative.pl_torch_caching_allocator(limitBytes > 0 ? 1 : 0, limitBytes), "caching allocator");
}
