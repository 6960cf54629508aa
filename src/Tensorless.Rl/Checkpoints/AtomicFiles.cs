namespace Tensorless.Rl.Checkpoints;

/// <summary>
/// Writes a set of files so that a failure never leaves a half-written one: every file is first written in full to a
/// temporary file in the same directory (<c>.NAME.tmp</c>) and flushed to disk, the directory is flushed, and only then
/// are they renamed over their targets in the order given, one rename each, and the directory flushed again. An error
/// while writing leaves every previous file untouched. Renames of several files are not one atomic step: a crash between
/// two renames leaves the later files' temporaries complete on disk, which is what <see cref="Checkpoint"/>'s pair
/// recovery relies on (it renames the model first and can roll the config forward from its temporary).
/// </summary>
internal static class AtomicFiles
{
    /// <summary>The temporary path a file is written to before its rename.</summary>
    public static string TempPath(string directory, string fileName) => Path.Combine(directory, $".{fileName}.tmp");

    /// <param name="directory">Where the files go.</param>
    /// <param name="files">Name and writer of each file, in rename order.</param>
    /// <param name="step">
    /// Test seam: called before each step of the sequence with its name (<c>open NAME</c>, <c>half NAME</c> after half the
    /// bytes, <c>flush NAME</c>, <c>sync directory</c>, <c>rename NAME</c>, <c>sync directory after renames</c>). An
    /// exception it throws models the process dying there: it propagates and nothing is cleaned up.
    /// </param>
    /// <exception cref="IOException">A file could not be written; the message names it and the targets are unchanged.</exception>
    public static void WriteAll(string directory, IReadOnlyList<(string FileName, Action<Stream> Write)> files, Action<string>? step = null)
    {
        bool died = false;
        void Step(string name)
        {
            try
            {
                step?.Invoke(name);
            }
            catch
            {
                died = true;
                throw;
            }
        }

        var written = new List<(string Temp, string Final, string Name)>();
        try
        {
            foreach (var (name, write) in files)
            {
                string temp = TempPath(directory, name);
                try
                {
                    // Serialised first, so a writer's own error never reaches the disk and the crash test can stop mid-file.
                    using var buffer = new MemoryStream();
                    write(buffer);
                    var bytes = buffer.GetBuffer().AsSpan(0, (int)buffer.Length);
                    Step($"open {name}");
                    using var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None);
                    written.Add((temp, Path.Combine(directory, name), name));
                    stream.Write(bytes[..(bytes.Length / 2)]);
                    Step($"half {name}");
                    stream.Write(bytes[(bytes.Length / 2)..]);
                    Step($"flush {name}");
                    stream.Flush(flushToDisk: true);
                }
                catch (Exception e) when (!died && e is IOException or UnauthorizedAccessException)
                {
                    throw new IOException($"Could not write {Path.Combine(directory, name)} (via {temp}): {e.Message} The previous checkpoint files are unchanged.", e);
                }
            }
        }
        catch when (!died)
        {
            foreach (var (temp, _, _) in written)
            {
                File.Delete(temp);
            }

            throw;
        }

        Step("sync directory");
        DirectorySync.Flush(directory);
        foreach (var (temp, final, name) in written)
        {
            Step($"rename {name}");
            File.Move(temp, final, overwrite: true);
        }

        Step("sync directory after renames");
        DirectorySync.Flush(directory);
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
