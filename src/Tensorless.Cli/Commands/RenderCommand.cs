using System.CommandLine;
using System.Globalization;
using Tensorless.Rendering;

namespace Tensorless.Cli.Commands;

/// <summary><c>tensorless render --run DIR --out agent.gif</c>: an animated GIF of the saved policy's deterministic episodes.</summary>
internal static class RenderCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run directory written by 'tensorless train' (model.safetensors + config.json).", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Number of episodes to play one after another.", DefaultValueFactory = _ => 1 };
        var seed = new Option<ulong>("--seed") { Description = "Episode i resets with seed + i.", DefaultValueFactory = _ => 0 };
        var output = new Option<string>("--out") { Description = "GIF file to write.", DefaultValueFactory = _ => "agent.gif" };
        var maxFrames = new Option<int>("--max-frames") { Description = "Frame budget; longer episodes keep every k-th state (playback stays real time).", DefaultValueFactory = _ => 400 };
        var still = new Option<string?>("--still") { Description = "Also save the middle frame as this PNG." };
        var command = new Command("render", "Draw a saved policy's episodes as Gymnasium renders the env, into an animated GIF.") { run, episodes, seed, output, maxFrames, still };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var stderr = parse.InvocationConfiguration.Error;
            try
            {
                string path = parse.GetValue(output)!;
                var result = AgentGif.Write(parse.GetRequiredValue(run), path, parse.GetValue(episodes), parse.GetValue(seed), parse.GetValue(maxFrames));
                var c = CultureInfo.InvariantCulture;
                stdout.WriteLine(string.Create(c, $"{path}: {result.Frames} frames (every {result.Stride} of {result.Steps} steps), returns {string.Join(", ", result.Returns.Select(r => r.ToString("F1", c)))}"));
                if (parse.GetValue(still) is { } png)
                {
                    AgentGif.SaveStill(path, png, result.Frames / 2);
                    stdout.WriteLine($"{png}: middle frame");
                }

                return 0;
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or InvalidDataException or UnauthorizedAccessException)
            {
                stderr.WriteLine(CliErrors.Describe(ex));
                return 2;
            }
        });
        return command;
    }
}
