using System.CommandLine;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tensorless.Envs;

namespace Tensorless.Cli.Commands;

/// <summary>
/// <c>tensorless env list</c> prints the registered envs; <c>tensorless env replay</c> drives one env from
/// JSON lines (set a state, or step with an action) so its trajectories can be diffed against Gymnasium's.
/// </summary>
internal static class EnvCommand
{
    /// <summary>Builds the <c>env</c> command with its subcommands.</summary>
    public static Command Create()
    {
        var env = new Command("env", "Inspect and replay environments.");
        env.Add(CreateList());
        env.Add(CreateReplay());
        return env;
    }

    private static Command CreateList()
    {
        var list = new Command("list", "List env ids with their spaces, time limits and reward thresholds.");
        list.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            foreach (var spec in Gym.Specs)
            {
                string limit = spec.MaxEpisodeSteps?.ToString(CultureInfo.InvariantCulture) ?? "none";
                string threshold = spec.RewardThreshold?.ToString("R", CultureInfo.InvariantCulture) ?? "none";
                output.WriteLine($"{spec.Id}  observation: {spec.ObservationSpace}  action: {spec.ActionSpace}  max_episode_steps: {limit}  reward_threshold: {threshold}");
            }

            return 0;
        });
        return list;
    }

    private static Command CreateReplay()
    {
        var envOption = new Option<string>("--env") { Description = "Env id, e.g. CartPole-v1.", Required = true };
        var inputOption = new Option<FileInfo>("--input") { Description = "JSON lines: {\"state\": [...]} or {\"action\": A}; '-' reads stdin.", Required = true };
        var replay = new Command("replay", "Replay states and actions from JSON lines, printing one JSON line per input line.")
        {
            envOption,
            inputOption,
        };
        replay.SetAction(parse =>
        {
            var output = parse.InvocationConfiguration.Output;
            var error = parse.InvocationConfiguration.Error;
            string id = parse.GetRequiredValue(envOption);
            var input = parse.GetRequiredValue(inputOption);
            try
            {
                using var reader = input.Name == "-" ? new StreamReader(Console.OpenStandardInput()) : input.OpenText();
                return Replay(id, reader, output, error);
            }
            catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
            {
                error.WriteLine(CliErrors.Describe(ex));
                return 1;
            }
        });
        return replay;
    }

    /// <summary>Runs the replay loop; returns the exit code (0, or 1 at the first bad line, reported on <paramref name="error"/>).</summary>
    internal static int Replay(string id, TextReader input, TextWriter output, TextWriter error)
    {
        var env = Gym.Make(id);
        if (env is not IStatefulEnv stateful)
        {
            error.WriteLine($"error: {id} does not expose its state, so it cannot be replayed.");
            return 1;
        }

        var obs = new double[env.ObservationSpace.FlatSize];
        int lineNumber = 0;
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("state", out var state))
                {
                    stateful.SetState(Doubles(state, "state"), obs);
                    output.WriteLine($"{{\"obs\":{Json(obs)}}}");
                }
                else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("action", out var action))
                {
                    double[] a = action.ValueKind == JsonValueKind.Array ? Doubles(action, "action") : [Number(action, "action")];
                    var step = env.Step(a, obs);
                    output.WriteLine($"{{\"obs\":{Json(obs)},\"reward\":{Json(step.Reward)},\"terminated\":{Json(step.Terminated)},\"truncated\":{Json(step.Truncated)}}}");
                }
                else
                {
                    throw new FormatException("expected an object with \"state\" or \"action\"");
                }
            }
            catch (Exception ex) when (ex is JsonException or FormatException or ArgumentException or InvalidOperationException)
            {
                error.WriteLine($"error: line {lineNumber}: {ex.Message}");
                return 1;
            }
        }

        return 0;
    }

    private static double[] Doubles(JsonElement array, string name)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException($"\"{name}\" must be an array of numbers");
        }

        return [.. array.EnumerateArray().Select(e => Number(e, name))];
    }

    private static double Number(JsonElement value, string name) =>
        value.ValueKind == JsonValueKind.Number ? value.GetDouble() : throw new FormatException($"\"{name}\" must hold numbers, got {value.GetRawText()}");

    // Round-trip doubles ("R"), so a reader gets the exact binary64 values back.
    private static string Json(double value) => double.IsFinite(value)
        ? value.ToString("R", CultureInfo.InvariantCulture)
        : throw new InvalidOperationException($"non-finite value {value} cannot be written as JSON");

    private static string Json(bool value) => value ? "true" : "false";

    private static string Json(double[] values)
    {
        var text = new StringBuilder("[");
        for (int i = 0; i < values.Length; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(Json(values[i]));
        }

        return text.Append(']').ToString();
    }
}
