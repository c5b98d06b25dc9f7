using System.Globalization;

namespace Probabilistic.Core;

/// <summary>
/// How much memory a command may ask for, and the check made before each large allocation: estimate the bytes from
/// the inputs (a header's shape, a state count, a sample count), then <see cref="Require"/> them. The default limit is
/// the memory available now (<c>MemAvailable</c> in /proc/meminfo, else the GC's total available memory); the
/// command line sets another with <c>--max-memory</c>.
/// </summary>
public sealed class MemoryBudget
{
    /// <summary>A limit of <paramref name="limitBytes"/>; <paramref name="source"/> says where it came from (for messages).</summary>
    public MemoryBudget(long limitBytes, string source)
    {
        if (limitBytes < 1) throw new ArgumentOutOfRangeException(nameof(limitBytes), limitBytes, "A memory limit must be at least one byte.");
        LimitBytes = limitBytes;
        Source = source;
    }

    /// <summary>The limit in bytes.</summary>
    public long LimitBytes { get; }

    /// <summary>Where the limit came from: "available memory" or the option that set it.</summary>
    public string Source { get; }

    /// <summary>The memory available now (see <see cref="AvailableBytes"/>).</summary>
    public static MemoryBudget Available() => new(AvailableBytes(), "available memory");

    /// <summary>No limit beyond what one process can address (for callers that check elsewhere).</summary>
    public static MemoryBudget Unlimited { get; } = new(long.MaxValue, "no limit");

    /// <summary>
    /// The smaller of <c>MemAvailable</c> from /proc/meminfo (memory the kernel can hand out without swapping) and the
    /// GC's <see cref="GCMemoryInfo.TotalAvailableMemoryBytes"/> (physical memory or the container limit).
    /// </summary>
    public static long AvailableBytes()
    {
        long total = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (total <= 0) total = long.MaxValue;
        try
        {
            if (File.Exists("/proc/meminfo"))
                foreach (var line in File.ReadLines("/proc/meminfo"))
                    if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
                    {
                        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                        if (parts.Length >= 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var kb))
                            return Math.Max(1, Math.Min(total, kb * 1024));
                    }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return total;
    }

    /// <summary>
    /// Throws <see cref="ResourceLimitException"/> when <paramref name="bytes"/> exceed the limit. <paramref name="what"/>
    /// says what needs the memory ("a.npy: shape (100000, 5000) as float64"); <paramref name="control"/> names the
    /// setting that lowers the need ("--states"), when there is one. The estimate is a double so that products of sizes
    /// taken from a hostile header cannot overflow before they are compared.
    /// </summary>
    public void Require(double bytes, string what, string? control = null)
    {
        if (double.IsNaN(bytes) || bytes > LimitBytes)
            throw new ResourceLimitException(what, double.IsNaN(bytes) || bytes >= long.MaxValue ? long.MaxValue : (long)Math.Ceiling(bytes), this, control);
    }

    /// <summary>"1.5 GiB", "640 KiB", "12 bytes".</summary>
    public static string FormatBytes(long bytes)
    {
        if (bytes == long.MaxValue) return "more than 8 EiB";
        string[] units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.Length - 1) { v /= 1024; u++; }
        return u == 0 ? $"{bytes} bytes" : v.ToString(v >= 100 ? "F0" : "F1", CultureInfo.InvariantCulture) + " " + units[u];
    }

    /// <summary>
    /// Parses a size: a number of bytes with an optional binary suffix K, M, G or T (KiB, MiB, ... and KB, MB, ...
    /// read the same), e.g. "512M", "1.5G", "2000000000". Returns false for anything else or a size below 1 byte.
    /// </summary>
    public static bool TryParseSize(string? text, out long bytes)
    {
        bytes = 0;
        if (string.IsNullOrWhiteSpace(text)) return false;
        var t = text.Trim().ToUpperInvariant();
        if (t.EndsWith('B')) t = t[..^1];
        if (t.EndsWith('I')) t = t[..^1];
        double scale = 1;
        if (t.Length > 0 && "KMGTP".Contains(t[^1]))
        {
            scale = Math.Pow(1024, "KMGTP".IndexOf(t[^1]) + 1);
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) || !double.IsFinite(v)) return false;
        double b = v * scale;
        if (!(b >= 1)) return false;
        bytes = b >= long.MaxValue ? long.MaxValue : (long)b;
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{FormatBytes(LimitBytes)} ({Source})";
}

/// <summary>A request whose memory estimate exceeds the <see cref="MemoryBudget"/>: refused before anything is allocated.</summary>
public sealed class ResourceLimitException : ProbabilisticException
{
    internal ResourceLimitException(string what, long bytes, MemoryBudget budget, string? control)
        : base(Format(what, bytes, budget, control))
    {
        What = what;
        EstimatedBytes = bytes;
        LimitBytes = budget.LimitBytes;
        Control = control;
    }

    /// <summary>What needed the memory.</summary>
    public string What { get; }

    /// <summary>The estimate.</summary>
    public long EstimatedBytes { get; }

    /// <summary>The limit it exceeded.</summary>
    public long LimitBytes { get; }

    /// <summary>The setting that lowers the need, when there is one.</summary>
    public string? Control { get; }

    private static string Format(string what, long bytes, MemoryBudget budget, string? control) =>
        $"{what} needs {(bytes == long.MaxValue ? "" : "about ")}{MemoryBudget.FormatBytes(bytes)} of memory, more than the limit of {budget}; " +
        (control is null ? "" : $"lower {control} or ") + "raise the limit with --max-memory";
}
