namespace Tensorless.Cli.Tests;

/// <summary>Runs the <c>tensorless</c> command line in-process, as the tests' one way in.</summary>
internal static class CliRunner
{
    /// <summary>Runs <paramref name="args"/> and returns the exit code and what went to stdout and stderr.</summary>
    public static (int Code, string Output, string Error) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = CommandLineApp.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
