using System.CommandLine;
using System.Globalization;
using Tensorless.Envs;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Evaluation;

namespace Tensorless.Cli.Commands;

/// <summary><c>tensorless eval --run DIR</c>: loads a saved policy and reports returns over N fresh episodes.</summary>
internal static class EvalCommand
{
    public static Command Create()
    {
        var run = new Option<string>("--run") { Description = "Run directory written by 'tensorless train' (model.safetensors + config.json).", Required = true };
        var episodes = new Option<int>("--episodes") { Description = "Number of episodes.", DefaultValueFactory = _ => 100, CustomParser = CliParsers.Count };
        var stochastic = new Option<bool>("--stochastic") { Description = "Sample actions instead of taking the most likely one." };
        var seed = new Option<ulong?>("--seed") { Description = "Episode i resets with seed + i; stochastic actions use this seed too (default 0).", CustomParser = CliParsers.Seed };
        var threshold = new Option<double?>("--threshold") { Description = "Return that counts as a success (default: the env's reward threshold)." };
        var command = new Command("eval", "Evaluate a saved policy on a fresh env instance.") { run, episodes, stochastic, seed, threshold };
        command.SetAction(parse =>
        {
            var stdout = parse.InvocationConfiguration.Output;
            var policy = TrainedPolicy.Load(parse.GetRequiredValue(run));
            double? success = parse.GetValue(threshold) ?? Gym.Spec(policy.EnvId).RewardThreshold;
            bool sample = parse.GetValue(stochastic);
            var result = Evaluator.Evaluate(policy, new EvaluationOptions
            {
                Episodes = parse.GetValue(episodes),
                Deterministic = !sample,
                Seed = parse.GetValue(seed) ?? 0,
                SuccessThreshold = success,
            });
            var c = CultureInfo.InvariantCulture;
            stdout.WriteLine(string.Create(c, $"{policy.Algorithm.ToUpperInvariant()} on {policy.EnvId}, {result.Episodes} {(sample ? "stochastic" : "deterministic")} episodes:"));
            stdout.WriteLine(string.Create(c, $"  mean return {result.MeanReturn:F2} +/- {result.StdReturn:F2} (min {result.MinReturn:F2}, max {result.MaxReturn:F2}), mean length {result.MeanLength:F1}"));
            if (result.SuccessRate is double rate)
            {
                stdout.WriteLine(string.Create(c, $"  success rate {rate:P1} (return >= {result.SuccessThreshold})"));
            }

            return 0;
        });
        return command;
    }
}
