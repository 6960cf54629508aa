namespace Tensorless.Rl.Checkpoints;

/// <summary>
/// Writes a set of files so that a failure never leaves a half-written one: every file is first written in full to a
/// temporary file in the same directory (<c>.NAME.tmp</c>) and flushed to disk; only when all are written are they renamed
/// over their targets, one rename each. An error while writing leaves every previous file untouched.
/// </summary>
internal static class AtomicFiles
{
    /// <summary>The temporary path a file is written to before its rename.</summary>
    public static string TempPath(string directory, string fileName) => Path.Combine(directory, $".{fileName}.tmp");

    /// <exception cref="IOException">A file could not be written; the message names it and the targets are unchanged.</exception>
    public static void WriteAll(string directory, IReadOnlyList<(string FileName, Action<Stream> Write)> files)
    {
        var written = new List<(string Temp, string Final)>();
        try
        {
            foreach (var (name, write) in files)
            {
                string temp = TempPath(directory, name);
                try
                {
                    using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
                    written.Add((temp, Path.Combine(directory, name)));
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"Could not write {Path.Combine(directory, name)} (via {temp}): {e.Message} The previous checkpoint files are unchanged.", e);
                }
            }
        }
        catch
        {
            foreach (var (temp, _) in written)
            {
                File.Delete(temp);
            }

            throw;
        }

        foreach (var (temp, final) in written)
        {
            File.Move(temp, final, overwrite: true);
        }
    }

    /// <summary>Writes one text file atomically (UTF-8, via <see cref="WriteAll"/>).</summary>
    /// <exception cref="IOException">The file could not be written; the previous one is unchanged.</exception>
    public static void WriteText(string path, string text)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(path))!;
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(text);
        WriteAll(directory, [(Path.GetFileName(path), stream => stream.Write(bytes))]);
    }
}
