namespace Probabilistic.Core.IO;

/// <summary>An input a command reads, for the check that no output overwrites it.</summary>
/// <param name="Path">The file as given.</param>
/// <param name="Role">How it was given ("--data", "--model", "the training images"), for the message.</param>
public readonly record struct InputFile(string Path, string Role);

/// <summary>
/// Checks an output path before the work that produces it, so a fit never runs for minutes and then fails to save, and
/// never replaces what it read: the path must be non-empty, not a directory or special file, in a folder that exists
/// and accepts new files, and not the same file as any input — compared by device and inode where the system says
/// (hard links and symbolic links count), else by resolved full path.
/// </summary>
public static class OutputTarget
{
    /// <summary>
    /// Returns the full path of <paramref name="path"/> or throws <see cref="OutputPathException"/> saying why it cannot
    /// be written. <paramref name="option"/> names the option that gave it ("-o").
    /// </summary>
    public static string Check(string? path, string option, IEnumerable<InputFile>? inputs = null)
    {
        var full = CheckWritable(path, option);
        if (inputs is null) return full;
        var outputId = File.Exists(full) ? FileIdentity.Of(full) : null;
        var outputResolved = Resolve(full);
        foreach (var input in inputs)
        {
            if (string.IsNullOrEmpty(input.Path) || input.Path == "-") continue;
            string inputFull;
            try { inputFull = Path.GetFullPath(input.Path); }
            catch (ArgumentException) { continue; }
            bool same = outputId is { } o && FileIdentity.Of(inputFull) is { } i
                ? o.Device == i.Device && o.Inode == i.Inode
                : string.Equals(outputResolved, Resolve(inputFull), PathComparison);
            if (same)
                throw new OutputPathException(path!, $"the same file as the input {input.Role} {input.Path}; " +
                    "writing it would replace what the command reads. Choose another output path.", option);
        }
        return full;
    }

    /// <summary>The checks that do not depend on the inputs (see <see cref="Check"/>); used by every atomic save.</summary>
    public static string CheckWritable(string? path, string? option = null)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new OutputPathException(path ?? "", "the output path is empty; it must name a file", option);
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            throw new OutputPathException(path, $"not a valid file path ({e.Message})", option);
        }
        if (Directory.Exists(full)) throw new OutputPathException(path, "a directory, not a file", option);
        if (Path.EndsInDirectorySeparator(path)) throw new OutputPathException(path, "ends with a '/' (a folder name), not a file name", option);
        if (File.Exists(full) && FileIdentity.Of(full) is { IsRegularFile: false } id)
            throw new OutputPathException(path, $"{id.TypeName}, not a regular file; a model or image is saved by renaming a new file over the target, which would replace it", option);
        var dir = Path.GetDirectoryName(full);
        if (dir is null) throw new OutputPathException(path, "the root of the file system, not a file", option);
        if (!Directory.Exists(dir)) throw new OutputPathException(path, $"the folder {dir} does not exist", option);
        var probe = AtomicFile.TempName(full);
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputPathException(path, $"cannot create files in the folder {dir} ({(e is UnauthorizedAccessException ? "permission denied" : e.Message.Replace(probe, "a new file", StringComparison.Ordinal))})", option);
        }
        finally
        {
            try { if (File.Exists(probe)) File.Delete(probe); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        return full;
    }

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>The full path with symbolic links resolved in the folder and the file name (best effort).</summary>
    private static string Resolve(string full)
    {
        try
        {
            var dir = Path.GetDirectoryName(full);
            if (dir is not null && Directory.Exists(dir))
            {
                var target = Directory.ResolveLinkTarget(dir, returnFinalTarget: true);
                if (target is not null) full = Path.Combine(target.FullName, Path.GetFileName(full));
            }
            var fileTarget = File.Exists(full) ? File.ResolveLinkTarget(full, returnFinalTarget: true) : null;
            return fileTarget?.FullName ?? full;
        }
        catch (IOException) { return full; }
        catch (UnauthorizedAccessException) { return full; }
    }
}
