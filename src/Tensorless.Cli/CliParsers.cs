using System.CommandLine.Parsing;
using System.Globalization;

namespace Tensorless.Cli;

/// <summary>
/// Argument parsers whose errors name the option and the accepted range, where System.CommandLine's default would print
/// a .NET type name (<c>System.Nullable`1[System.UInt64]</c>).
/// </summary>
internal static class CliParsers
{
    /// <summary>A seed: a whole number from 0 to 2^64 - 1.</summary>
    public static ulong? Seed(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null;
        }

        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong seed))
        {
            return seed;
        }

        result.AddError($"{OptionName(result)} takes a whole number from 0 to {ulong.MaxValue}, got '{text}'.");
        return null;
    }

    /// <summary>A count: a whole number from 0 to <see cref="int.MaxValue"/>.</summary>
    public static int Count(ArgumentResult result)
    {
        string text = result.Tokens.Count > 0 ? result.Tokens[^1].Value : "";
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int value))
        {
            return value;
        }

        result.AddError($"{OptionName(result)} takes a whole number up to {int.MaxValue}, got '{text}'.");
        return 0;
    }

    private static string OptionName(ArgumentResult result) => (result.Parent as OptionResult)?.Option.Name ?? result.Argument.Name;
}
