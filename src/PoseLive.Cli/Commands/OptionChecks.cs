using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace PoseLive.Cli.Commands;

/// <summary>
/// The CLI's one validation layer: range and path checks attached to options, run by the parser before any verb
/// starts (so before models load or outputs are touched). A failed check is a usage error, "--flag: reason", exit 2.
/// </summary>
internal static class OptionChecks
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static Option<int> AtLeast(this Option<int> option, int min)
    {
        option.Validators.Add(r =>
        {
            int v = Get<int>(r);
            if (v < min) r.AddError($"{option.Name}: must be at least {min} (got {v})");
        });
        return option;
    }

    public static Option<long?> AtLeast(this Option<long?> option, long min)
    {
        option.Validators.Add(r =>
        {
            if (Get<long?>(r) is long v && v < min) r.AddError($"{option.Name}: must be at least {min} (got {v})");
        });
        return option;
    }

    /// <summary>ONNX Runtime threads: 0 (one per core) up to the cores this machine has.</summary>
    public static Option<int> Threads(this Option<int> option)
    {
        option.Validators.Add(r =>
        {
            int v = Get<int>(r), cores = Environment.ProcessorCount;
            if (v < 0 || v > cores)
                r.AddError($"{option.Name}: must be 0 (one per core) to {cores} (this machine's cores), got {v}");
        });
        return option;
    }

    public static Option<float> Between(this Option<float> option, float min, float max)
    {
        option.Validators.Add(r =>
        {
            float v = Get<float>(r);
            if (!(v >= min && v <= max)) r.AddError(string.Format(Inv, "{0}: must be between {1} and {2} (got {3})", option.Name, min, max, v));
        });
        return option;
    }

    /// <summary>A value in (0, max]: positive, at most <paramref name="max"/>.</summary>
    public static Option<double?> PositiveAtMost(this Option<double?> option, double max)
    {
        option.Validators.Add(r =>
        {
            if (Get<double?>(r) is double v && !(v > 0 && v <= max))
                r.AddError(string.Format(Inv, "{0}: must be greater than 0 and at most {1} (got {2})", option.Name, max, v));
        });
        return option;
    }

    /// <summary>A file PoseLive will write: its folder must exist (or be creatable) and be writable; it must not be a folder.</summary>
    public static Option<string?> WritableFile(this Option<string?> option)
    {
        option.Validators.Add(r =>
        {
            if (Get<string?>(r) is string path && OutputPaths.WhyNotWritableFile(path) is string why) r.AddError($"{option.Name}: {why}");
        });
        return option;
    }

    /// <summary>A folder PoseLive will write into (created if missing): it must be a folder, and writable.</summary>
    public static Option<string> WritableDirectory(this Option<string> option)
    {
        option.Validators.Add(r =>
        {
            if (Get<string>(r) is string path && OutputPaths.WhyNotWritableDirectory(path) is string why) r.AddError($"{option.Name}: {why}");
        });
        return option;
    }

    /// <summary>The option's value, or default when it did not parse (the parser reports that error itself).</summary>
    public static T? Get<T>(OptionResult result)
    {
        try { return result.GetValueOrDefault<T>(); }
        catch (InvalidOperationException) { return default; }
    }

    /// <summary>
    /// The parser's "Cannot parse argument 'abc' for option '--max-frames' as expected type 'System.Nullable`1[…]'"
    /// in words: "--max-frames: 'abc' is not a whole number".
    /// </summary>
    public static string Describe(ParseError error)
    {
        var m = System.Text.RegularExpressions.Regex.Match(error.Message, @"^Cannot parse argument '(?<v>.*)' for (option|argument) '(?<o>[^']+)' as expected type '(?<t>[^']+)'");
        if (!m.Success) return error.Message;
        var type = m.Groups["t"].Value;
        var kind = type.Contains("Int", StringComparison.Ordinal) ? "a whole number"
            : type.Contains("Single", StringComparison.Ordinal) || type.Contains("Double", StringComparison.Ordinal) ? "a number"
            : type.Contains("Boolean", StringComparison.Ordinal) ? "true or false" : "a valid value";
        return $"{m.Groups["o"].Value}: '{m.Groups["v"].Value}' is not {kind}";
    }
}
