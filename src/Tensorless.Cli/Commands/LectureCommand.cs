using System.CommandLine;
using Tensorless.Rl.Experiments.Lecture09;

namespace Tensorless.Cli.Commands;

/// <summary><c>tensorless lecture exp01 ... exp09 | all</c>: Lecture 9's experiments (seed 003), each printed beside the lecture's figures.</summary>
internal static class LectureCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("experiment") { Description = "exp01 ... exp09, or all." };
        var output = new Option<string>("--out") { Description = "Folder for each experiment's JSON (and SVG where it plots).", DefaultValueFactory = _ => "lecture09" };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the experiments' generators (the lecture's setup_seed).", DefaultValueFactory = _ => 42 };
        var budget = new Option<int?>("--budget") { Description = "Override the updates (exp07-09) or episodes (exp02), for a quick look." };
        var command = new Command("lecture", "Run Lecture 9's nine actor-critic experiments and compare with its printed results.") { name, output, seed, budget };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                string which = parse.GetRequiredValue(name);
                string folder = parse.GetValue(output)!;
                var settings = new ExperimentSettings { Seed = parse.GetValue(seed), Budget = parse.GetValue(budget) };
                var names = which == "all" ? LectureExperiments.All.Select(e => e.Name).ToList() : [LectureExperiments.Get(which).Name];
                foreach (string experiment in names)
                {
                    var report = LectureExperiments.RunAndWrite(experiment, folder, settings);
                    stdout.WriteLine($"== {report.Name}: {report.Title}");
                    foreach (string line in report.Lines)
                    {
                        stdout.WriteLine(line);
                    }

                    stdout.WriteLine($"   -> {Path.Combine(folder, report.Name)}.json{(report.Svg is null ? string.Empty : ", .svg")}");
                }

                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine(CliErrors.Describe(ex));
                return 2;
            }
        });
        return command;
    }
}
