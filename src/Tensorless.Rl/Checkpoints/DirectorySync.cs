using System.Runtime.InteropServices;

namespace Tensorless.Rl.Checkpoints;

/// <summary>
/// Flushes a directory's entries (the renames in it) to disk, so a power cut after a save cannot bring back the old names.
/// .NET cannot open a directory (<c>File.OpenHandle</c> and <c>FileStream</c> refuse with UnauthorizedAccessException on
/// Linux), so on Linux and macOS this calls libc's <c>open(dir, O_RDONLY)</c>, <c>fsync</c> and <c>close</c> directly.
/// It is best effort: on Windows (where NTFS journals renames and directories cannot be flushed this way) and where the
/// call fails (some network and FUSE file systems) it does nothing; the files themselves are always flushed.
/// </summary>
internal static partial class DirectorySync
{
    public static void Flush(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD()))
        {
            return;
        }

        try
        {
            int fd = Open(directory, 0);
            if (fd < 0)
            {
                return;
            }

            _ = Fsync(fd);
            _ = Close(fd);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // No usable libc: the rename is still atomic, only its durability across a power cut is not forced.
        }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
