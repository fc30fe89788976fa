using System.Globalization;

namespace PoseLive.Training.Distributed;

/// <summary>
/// Where this process stands in a data-parallel run: its rank among <see cref="WorldSize"/> processes, its rank on this
/// machine, and the rendezvous (rank 0's host and port for the TCP store, or a shared file), as the launcher set them.
/// </summary>
public sealed record DistributedWorld(int Rank, int WorldSize, int LocalRank, string MasterAddress, int MasterPort, string Launcher)
{
    /// <summary>A file on a filesystem every rank shares, used instead of the TCP store (c10d's FileStore).</summary>
    public string? StoreFile { get; init; }

    /// <summary>Environment variables a launcher sets; <see cref="Detect"/> reads them through this.</summary>
    public delegate string? Environment(string name);

    /// <summary>
    /// The world from the environment: <c>env</c> = torchrun's (MASTER_ADDR, MASTER_PORT, WORLD_SIZE, RANK, LOCAL_RANK);
    /// <c>slurm</c> = SLURM_PROCID, SLURM_NTASKS, SLURM_LOCALID and the first host of SLURM_JOB_NODELIST (MASTER_PORT or
    /// 29500); <c>k8s</c> = an Indexed Job's JOB_COMPLETION_INDEX with WORLD_SIZE and MASTER_ADDR (the headless service
    /// name of index 0's pod); <c>auto</c> = whichever of those is present, or null when none is (a single process).
    /// A launcher named but missing its variables, or a bad value, is a <see cref="DistributedSetupException"/>.
    /// </summary>
    public static DistributedWorld? Detect(string mode, Environment env)
    {
        switch (mode)
        {
            case "auto":
                if (env("RANK") is not null && env("WORLD_SIZE") is not null) return FromTorchrun(env);
                if (env("SLURM_PROCID") is not null && env("SLURM_NTASKS") is not null) return FromSlurm(env);
                if (env("JOB_COMPLETION_INDEX") is not null && env("WORLD_SIZE") is not null) return FromKubernetes(env);
                return null;
            case "env": return FromTorchrun(env);
            case "slurm": return FromSlurm(env);
            case "k8s": return FromKubernetes(env);
            default: throw new DistributedSetupException($"--distributed must be auto, env, slurm or k8s (got '{mode}')");
        }
    }

    private static DistributedWorld FromTorchrun(Environment env)
    {
        int world = Int(env, "WORLD_SIZE", 1), rank = Int(env, "RANK", 0);
        return Checked(new DistributedWorld(rank, world, Optional(env, "LOCAL_RANK") ?? rank, Required(env, "MASTER_ADDR"), Optional(env, "MASTER_PORT") ?? 29500, "env"));
    }

    private static DistributedWorld FromSlurm(Environment env)
    {
        int world = Int(env, "SLURM_NTASKS", 1), rank = Int(env, "SLURM_PROCID", 0);
        string master = env("MASTER_ADDR") ?? FirstHost(Required(env, "SLURM_JOB_NODELIST"));
        return Checked(new DistributedWorld(rank, world, Optional(env, "SLURM_LOCALID") ?? 0, master, Optional(env, "MASTER_PORT") ?? 29500, "slurm"));
    }

    private static DistributedWorld FromKubernetes(Environment env)
    {
        int world = Int(env, "WORLD_SIZE", 1), rank = Int(env, "JOB_COMPLETION_INDEX", 0);
        return Checked(new DistributedWorld(rank, world, 0, Required(env, "MASTER_ADDR"), Optional(env, "MASTER_PORT") ?? 29500, "k8s"));
    }

    /// <summary>
    /// The first host of a Slurm node list: "node[01-04,07],gpu3" → "node01"; "a,b" → "a"; "n1" → "n1" (zero padding kept).
    /// </summary>
    public static string FirstHost(string nodeList)
    {
        var first = nodeList.Trim();
        int bracket = first.IndexOf('['), comma = first.IndexOf(',');
        if (comma >= 0 && (bracket < 0 || comma < bracket)) return first[..comma];
        if (bracket < 0) return first;
        int close = first.IndexOf(']', bracket);
        if (close < 0) throw new DistributedSetupException($"SLURM_JOB_NODELIST '{nodeList}' has an unclosed '['");
        var range = first[(bracket + 1)..close].Split(',')[0].Split('-')[0];
        return first[..bracket] + range;
    }

    private static DistributedWorld Checked(DistributedWorld w)
    {
        if (w.WorldSize < 1) throw new DistributedSetupException($"the world size must be at least 1 (got {w.WorldSize})");
        if (w.Rank < 0 || w.Rank >= w.WorldSize) throw new DistributedSetupException($"rank {w.Rank} is outside a world of {w.WorldSize}");
        if (w.MasterPort is < 1 or > 65535) throw new DistributedSetupException($"MASTER_PORT {w.MasterPort} is not a port number");
        return w;
    }

    private static string Required(Environment env, string name) =>
        env(name) is { Length: > 0 } v ? v : throw new DistributedSetupException($"{name} is not set (needed to find the rendezvous)");

    private static int Int(Environment env, string name, int min) =>
        Optional(env, name) is int v ? (v >= min ? v : throw new DistributedSetupException($"{name}={v} must be at least {min}"))
            : throw new DistributedSetupException($"{name} is not set");

    private static int? Optional(Environment env, string name) =>
        env(name) is not { Length: > 0 } v ? null
            : int.TryParse(v, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n
            : throw new DistributedSetupException($"{name}='{v}' is not an integer");
}

/// <summary>A distributed run could not be set up (launcher variables, rendezvous).</summary>
public sealed class DistributedSetupException(string message) : Exception(message);

/// <summary>A distributed run stopped because a rank was lost or a collective timed out; the message names the rank when it can.</summary>
public sealed class DistributedRunException(string message) : Exception(message);
