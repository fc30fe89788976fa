using System.Collections;
using System.Globalization;

namespace PoseLive.Pipeline;

/// <summary>
/// `--shard auto` / `--shard auto/N`: this process's shard from the scheduler that started it.
/// Kubernetes Indexed Jobs set JOB_COMPLETION_INDEX (the count comes from auto/N or POSELIVE_SHARDS, since a pod is not
/// told its Job's completions); Slurm job arrays set SLURM_ARRAY_TASK_ID with SLURM_ARRAY_TASK_MIN/MAX/COUNT (index =
/// id − min, count = COUNT, or MAX − MIN + 1).
/// </summary>
public static class SchedulerShard
{
    public const string CountVariable = "POSELIVE_SHARDS";

    /// <summary>Whether <paramref name="spec"/> asks for the scheduler's shard ("auto" or "auto/N").</summary>
    public static bool IsAuto(string spec) => spec == "auto" || spec.StartsWith("auto/", StringComparison.Ordinal);

    /// <summary>The shard, and which scheduler's variables gave it.</summary>
    /// <exception cref="ArgumentException">No scheduler variables, or inconsistent ones; the message names them.</exception>
    public static (int Index, int Count, string From) Resolve(string spec, IDictionary? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariables();
        string? Get(string name) => environment[name] as string is { Length: > 0 } v ? v : null;
        int? given = null;
        if (spec.StartsWith("auto/", StringComparison.Ordinal))
        {
            if (!int.TryParse(spec.AsSpan(5), NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n < 1)
                throw new ArgumentException($"--shard: '{spec}' must be auto or auto/N with N ≥ 1");
            given = n;
        }
        else if (spec != "auto") throw new ArgumentException($"--shard: '{spec}' is not auto or auto/N");

        if (Get("JOB_COMPLETION_INDEX") is string k8s)
        {
            int index = Number("JOB_COMPLETION_INDEX", k8s);
            int count = given ?? (Get(CountVariable) is string c ? Number(CountVariable, c) : throw new ArgumentException(
                $"--shard auto: JOB_COMPLETION_INDEX={index} (a Kubernetes Indexed Job) gives the index but not the count: use --shard auto/N, or set {CountVariable} to the Job's completions"));
            return Check(index, count, $"Kubernetes Indexed Job (JOB_COMPLETION_INDEX={index})");
        }
        if (Get("SLURM_ARRAY_TASK_ID") is string slurm)
        {
            int id = Number("SLURM_ARRAY_TASK_ID", slurm);
            int min = Get("SLURM_ARRAY_TASK_MIN") is string mn ? Number("SLURM_ARRAY_TASK_MIN", mn) : 0;
            int? count = given ?? (Get("SLURM_ARRAY_TASK_COUNT") is string c ? Number("SLURM_ARRAY_TASK_COUNT", c)
                : Get("SLURM_ARRAY_TASK_MAX") is string mx ? Number("SLURM_ARRAY_TASK_MAX", mx) - min + 1 : null);
            if (count is null) throw new ArgumentException($"--shard auto: SLURM_ARRAY_TASK_ID={id} without SLURM_ARRAY_TASK_COUNT or SLURM_ARRAY_TASK_MAX: use --shard auto/N");
            return Check(id - min, count.Value, $"Slurm job array (SLURM_ARRAY_TASK_ID={id}, min {min})");
        }
        throw new ArgumentException("--shard auto: no scheduler shard found: neither JOB_COMPLETION_INDEX (Kubernetes Indexed Job) nor SLURM_ARRAY_TASK_ID (Slurm job array) is set; give --shard k/N");
    }

    private static (int, int, string) Check(int index, int count, string from)
    {
        if (count < 1 || index < 0 || index >= count)
            throw new ArgumentException($"--shard auto: {from} gives shard {index} of {count}, which is not 0 ≤ k < N");
        return (index, count, from);
    }

    private static int Number(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : throw new ArgumentException($"--shard auto: {name}='{value}' is not a whole number");
}
