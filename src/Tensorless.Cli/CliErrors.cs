namespace Tensorless.Cli;

/// <summary>Formats exceptions for the terminal: the message a user can act on, without .NET's "(Parameter 'x')" suffix.</summary>
internal static class CliErrors
{
    public static string Describe(Exception ex)
    {
        string message = ex.Message;
        if (ex is ArgumentException { ParamName: string name })
        {
            string suffix = $" (Parameter '{name}')";
            if (message.EndsWith(suffix, StringComparison.Ordinal))
            {
                message = message[..^suffix.Length];
            }
        }

        return "error: " + message;
    }
}
