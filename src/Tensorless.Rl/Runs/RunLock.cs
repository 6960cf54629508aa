namespace Tensorless.Rl.Runs;

/// <summary>
/// One writer per run folder: the file <c>.lock</c> in the run directory, opened with <see cref="FileShare.None"/> and held
/// for the life of a <see cref="TrainingRun"/>. On Linux and macOS .NET takes an advisory <c>flock</c> on it (unless
/// <c>DOTNET_SYSTEM_IO_DISABLEFILELOCKING</c> is set), on Windows a sharing lock; either way a second run on the same folder,
/// in this process or another, is refused, and the lock goes with the process however it ends. The file itself stays
/// (deleting it would let a third writer lock a fresh file while the second still holds the old one).
/// </summary>
internal sealed class RunLock : IDisposable
{
    /// <summary>Name of the lock file in a run directory.</summary>
    public const string FileName = ".lock";

    // What .NET reports when the lock is held elsewhere: ERROR_SHARING_VIOLATION as an HRESULT on Windows, the errno of
    // the failed flock (EWOULDBLOCK: 11 on Linux, 35 on macOS and the BSDs) elsewhere.
    private const int SharingViolation = unchecked((int)0x80070020);
    private const int EwouldblockLinux = 11;
    private const int EwouldblockBsd = 35;

    private readonly FileStream _stream;

    private RunLock(FileStream stream) => _stream = stream;

    /// <summary>Creates <paramref name="directory"/> if needed and locks it.</summary>
    /// <exception cref="IOException">Another run holds the folder, or the lock file cannot be created; the message says which.</exception>
    public static RunLock Acquire(string directory)
    {
        string path = Path.Combine(directory, FileName);
        FileStream stream;
        try
        {
            Directory.CreateDirectory(directory);
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e) when (e.HResult is SharingViolation or EwouldblockLinux or EwouldblockBsd)
        {
            throw new IOException($"Run directory '{directory}' is in use by another training run (it holds {path}); wait for it to finish, or pick another --out.", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot lock run directory '{directory}' ({path}): {e.Message}", e);
        }

        try
        {
            // Who holds it, for people who look (the lock is the open handle, not this text).
            stream.SetLength(0);
            stream.Write(System.Text.Encoding.UTF8.GetBytes($"pid {Environment.ProcessId}\n"));
            stream.Flush();
        }
        catch (IOException)
        {
            // The note is a courtesy; the lock is held either way.
        }

        return new RunLock(stream);
    }

    /// <inheritdoc />
    public void Dispose() => _stream.Dispose();
}
