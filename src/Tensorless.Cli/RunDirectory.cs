namespace Tensorless.Cli;

/// <summary>
/// Checks an output directory before any work starts, so a path that cannot hold a run fails at once with a message
/// that names the option, instead of an <see cref="IOException"/> after training.
/// </summary>
internal static class RunDirectory
{
    /// <summary>
    /// Returns <paramref name="path"/> after making sure it is, or can become, a writable directory: not an existing
    /// file, not under a file, in a folder that can be written. Creates nothing. Null passes through (the run picks its default).
    /// </summary>
    /// <exception cref="ArgumentException">The path cannot be a run directory; the message names <paramref name="option"/>.</exception>
    public static string? Check(string? path, string option)
    {
        if (path is null)
        {
            return null;
        }

        if (path.Length == 0)
        {
            throw new ArgumentException($"{option} must not be empty.");
        }

        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            throw new ArgumentException($"{option} '{path}' is a file; a run needs a directory there.");
        }

        for (string? parent = Path.GetDirectoryName(full); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            if (File.Exists(parent))
            {
                throw new ArgumentException($"{option} '{path}': '{parent}' is a file, so no directory can be made under it.");
            }
        }

        // Nothing is created here (a run that fails validation leaves no folder); a probe file in the directory, or in
        // its nearest existing ancestor, shows whether it can be written, read-only folders included.
        string existing = full;
        while (!Directory.Exists(existing))
        {
            existing = Path.GetDirectoryName(existing) ?? throw new ArgumentException($"{option} '{path}' has no existing parent folder.");
        }

        try
        {
            using (new FileStream(Path.Combine(existing, $".tensorless-probe-{Environment.ProcessId}-{Guid.NewGuid():N}"), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"{option} '{path}': cannot write in '{existing}' ({e.Message}).", e);
        }

        return path;
    }
}
