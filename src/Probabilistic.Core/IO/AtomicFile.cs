namespace Probabilistic.Core.IO;

/// <summary>
/// Writes files so that an interrupted write never leaves a broken file behind: the content goes to a temporary
/// file <c>.NAME.PID.GUID.tmp</c> in the same directory, is flushed to disk, then renamed over the target in one step.
/// The temporary file is removed when the write fails or is cancelled; temporary files that a killed process left
/// next to the target (their PID no longer runs) are removed by the next save.
/// </summary>
public static class AtomicFile
{
    /// <summary>Writes through <paramref name="write"/> into a temporary file, then replaces <paramref name="path"/>.</summary>
    /// <exception cref="OutputPathException">The path is empty, a directory or device, or its folder is missing or read-only.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        var full = OutputTarget.CheckWritable(path);
        RemoveStaleTemporaries(full);
        var temp = TempName(full);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        finally
        {
            try { if (File.Exists(temp)) File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) atomically.</summary>
    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, new System.Text.UTF8Encoding(false), 1 << 16, leaveOpen: true); w.Write(text); });

    /// <summary>A fresh temporary name beside <paramref name="fullPath"/>: <c>.NAME.PID.GUID.tmp</c>.</summary>
    public static string TempName(string fullPath) =>
        Path.Combine(Path.GetDirectoryName(fullPath)!, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");

    /// <summary>
    /// Deletes <c>.NAME.PID.GUID.tmp</c> files beside <paramref name="fullPath"/> whose process no longer runs (left by
    /// a process that was killed mid-save); returns how many were removed. Files of running processes are kept.
    /// </summary>
    public static int RemoveStaleTemporaries(string fullPath)
    {
        var dir = Path.GetDirectoryName(fullPath);
        var name = Path.GetFileName(fullPath);
        if (dir is null || !Directory.Exists(dir)) return 0;
        int removed = 0;
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(dir, $".{name}.*.tmp").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        foreach (var candidate in candidates)
        {
            var rest = Path.GetFileName(candidate)[(name.Length + 2)..^4]; // PID.GUID
            int dot = rest.IndexOf('.');
            if (dot <= 0 || rest.Length - dot - 1 != 32 || !int.TryParse(rest[..dot], out var pid) || !Guid.TryParseExact(rest[(dot + 1)..], "N", out _))
                continue;
            if (pid == Environment.ProcessId || ProcessRuns(pid)) continue;
            try { File.Delete(candidate); removed++; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    private static bool ProcessRuns(int pid)
    {
        if (OperatingSystem.IsLinux()) return Directory.Exists($"/proc/{pid}");
        try { using var p = System.Diagnostics.Process.GetProcessById(pid); return !p.HasExited; }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }
}
