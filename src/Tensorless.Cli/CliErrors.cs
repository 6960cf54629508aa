using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tensorless.Cli;

/// <summary>
/// Formats exceptions for the terminal: the message a user can act on, without .NET's "(Parameter 'x')" suffix, and
/// decides which exceptions mean bad input rather than a bug.
/// </summary>
internal static class CliErrors
{
    /// <summary>
    /// Whether <paramref name="ex"/> reports bad input the user can fix: an invalid option or argument, a missing,
    /// unreadable or corrupt file, a file system refusal, an unsupported request or a malformed number. Library loaders
    /// throw only these for hostile files, so anything else (NullReference, IndexOutOfRange, ...) is a bug.
    /// </summary>
    public static bool IsInvalidInput(Exception ex) =>
        ex is ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException
            or NotSupportedException or FormatException or OverflowException or JsonException;

    public static string Describe(Exception ex)
    {
        // .NET appends " (Parameter 'x')" to an ArgumentException's message, also where a loader wrapped it.
        return "error: " + Regex.Replace(ex.Message, @" \(Parameter '[^']*'\)", "");
    }

    /// <summary>The report of an unexpected exception: its type and message, and the stack trace only when asked for.</summary>
    public static string DescribeInternal(Exception ex, bool withStackTrace) =>
        withStackTrace
            ? $"internal error: {ex}"
            : $"internal error: {ex.GetType().Name}: {ex.Message}{Environment.NewLine}This is a bug in tensorless; please report it with the command line. Set {CommandLineApp.DebugVariable}=1 to print the stack trace.";
}
