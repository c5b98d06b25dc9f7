using System.Runtime.InteropServices;

namespace Probabilistic.Core.IO;

/// <summary>
/// Which file a path names, as the kernel sees it: device and inode (so hard links and symbolic links to one file
/// compare equal) and the file type. Read with stat(2) on Linux (x64 and arm64 layouts); elsewhere <see cref="Of"/>
/// returns null and callers fall back to comparing resolved full paths.
/// </summary>
internal readonly record struct FileIdentity(ulong Device, ulong Inode, uint Mode)
{
    private const uint TypeMask = 0xF000, Regular = 0x8000, Directory = 0x4000;

    /// <summary>A regular file (not a directory, device, FIFO or socket).</summary>
    public bool IsRegularFile => (Mode & TypeMask) == Regular;

    /// <summary>A directory.</summary>
    public bool IsDirectory => (Mode & TypeMask) == Directory;

    /// <summary>"a character device", "a FIFO (named pipe)", ... for messages.</summary>
    public string TypeName => (Mode & TypeMask) switch
    {
        0x8000 => "a regular file",
        0x4000 => "a directory",
        0x2000 => "a character device",
        0x6000 => "a block device",
        0x1000 => "a FIFO (named pipe)",
        0xC000 => "a socket",
        0xA000 => "a symbolic link",
        _ => "a special file",
    };

    /// <summary>The identity of the file <paramref name="path"/> names (following symbolic links), or null when unknown.</summary>
    public static unsafe FileIdentity? Of(string path)
    {
        if (!OperatingSystem.IsLinux()) return null;
        int modeOffset = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 24,
            Architecture.Arm64 or Architecture.RiscV64 or Architecture.LoongArch64 => 16,
            _ => -1,
        };
        if (modeOffset < 0) return null;
        byte* buffer = stackalloc byte[512];
        int rc;
        try { rc = stat(path, buffer); }
        catch (EntryPointNotFoundException) { return null; }
        catch (DllNotFoundException) { return null; }
        if (rc != 0) return null;
        return new FileIdentity(*(ulong*)buffer, *(ulong*)(buffer + 8), *(uint*)(buffer + modeOffset));
    }

    [DllImport("libc", EntryPoint = "stat", SetLastError = true)]
    private static extern unsafe int stat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* buffer);
}
