namespace Tensorless.Cli;

/// <summary>Entry point of the <c>tensorless</c> command.</summary>
public static class Program
{
    /// <summary>Parses the command line and runs the chosen command.</summary>
    public static int Main(string[] args) => CommandLineApp.Run(args);
}
