using System.CommandLine;

namespace Tensorless.Cli;

/// <summary>Builds the <c>tensorless</c> command tree. Each command lives in its own file under Commands/.</summary>
internal static class CommandLineApp
{
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
        };
        return root.Parse(args).Invoke(config);
    }
}
