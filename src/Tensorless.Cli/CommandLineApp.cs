using System.CommandLine;

namespace Tensorless.Cli;

/// <summary>
/// Builds the <c>tensorless</c> command tree (each command in its own file under Commands/) and is the one place where
/// failures become exit codes: a usage error or a library exception that describes bad input (a missing or corrupt
/// file, an invalid option) prints <c>error: message</c> and exits with <see cref="ExitCodes.InvalidInput"/>; anything
/// else is a bug and prints <c>internal error: ...</c> with <see cref="ExitCodes.InternalError"/>. No stack trace is
/// printed unless <c>TENSORLESS_DEBUG=1</c>.
/// </summary>
internal static class CommandLineApp
{
    /// <summary>Environment variable that adds the stack trace to an internal error.</summary>
    public const string DebugVariable = "TENSORLESS_DEBUG";

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var root = new RootCommand("Tensorless: on-policy actor-critic reinforcement learning in pure C#.");
        root.Add(Commands.EnvCommand.Create());
        root.Add(Commands.TrainCommand.Create());
        root.Add(Commands.EvalCommand.Create());
        root.Add(Commands.ExportCommand.Create());
        root.Add(Commands.BenchCommand.Create());
        root.Add(Commands.SweepCommand.Create());
        root.Add(Commands.ReportCommand.Create());
        root.Add(Commands.RenderCommand.Create());
        root.Add(Commands.LectureCommand.Create());
        var config = new InvocationConfiguration
        {
            Output = stdout ?? Console.Out,
            Error = stderr ?? Console.Error,
            EnableDefaultExceptionHandler = false,
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && parse.Action is not System.CommandLine.Help.HelpAction)
        {
            foreach (var error in parse.Errors)
            {
                config.Error.WriteLine("error: " + error.Message);
            }

            config.Error.WriteLine($"Run 'tensorless {CommandPath(parse)} --help' for usage.");
            return ExitCodes.InvalidInput;
        }

        try
        {
            return parse.Invoke(config);
        }
        catch (Exception ex) when (CliErrors.IsInvalidInput(ex))
        {
            config.Error.WriteLine(CliErrors.Describe(ex));
            return ExitCodes.InvalidInput;
        }
        catch (Exception ex)
        {
            config.Error.WriteLine(CliErrors.DescribeInternal(ex, Environment.GetEnvironmentVariable(DebugVariable) == "1"));
            return ExitCodes.InternalError;
        }
    }

    private static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
        {
            names.Insert(0, result.Command.Name);
        }

        return string.Join(' ', names);
    }
}
