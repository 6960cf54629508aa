using System.Text.Json.Nodes;
using Tensorless.Autodiff;
using Tensorless.Rl.Advantages;
using static Tensorless.Rl.Experiments.Lecture09.LectureExperiments;

namespace Tensorless.Rl.Experiments.Lecture09;

/// <summary>
/// exp05_advantage_methods.py and exp06_gae_implementation.py: the estimators of <see cref="AdvantageEstimators"/>
/// on one synthetic episode. The lecture prints neither its reward distribution nor its baseline; ours: rewards
/// r_t = 1 + 0.25 z_t (z standard normal, seeded), a decaying baseline V_t = 2 * 0.9^t, gamma 0.99, the episode
/// terminating at its last step (so Monte Carlo needs no bootstrap).
/// </summary>
internal static class AdvantageComparison
{
    /// <summary>Discount of both experiments.</summary>
    public const double Gamma = 0.99;

    /// <summary>The GAE lambdas of exp06 (exp05 uses 0.95).</summary>
    public static readonly double[] Lambdas = [0.0, 0.5, 0.95, 0.99];

    /// <summary>The synthetic episode of <paramref name="length"/> steps.</summary>
    public static (double[] Rewards, double[] Values) Synthetic(int length, ulong seed)
    {
        var rng = new Xoshiro256(seed);
        var rewards = new double[length];
        var values = new double[length];
        for (int t = 0; t < length; t++)
        {
            rewards[t] = 1 + (0.25 * rng.NextGaussian());
            values[t] = 2 * Math.Pow(0.9, t);
        }

        return (rewards, values);
    }

    /// <summary>Every estimator's advantages on the episode, by name.</summary>
    public static List<(string Name, double[] Advantages)> Estimate(double[] rewards, double[] values)
    {
        int n = rewards.Length;
        var terminated = new bool[n];
        terminated[^1] = true;
        var truncated = new bool[n];
        var truncationValues = new double[n];
        double[] last = [0.0];
        double[] Run(AdvantageEstimator method, double lambda = 0, int steps = 1)
        {
            var advantages = new double[n];
            var returns = new double[n];
            AdvantageEstimators.Compute(method, rewards, values, terminated, truncated, truncationValues, last, Gamma, lambda, steps, advantages, returns);
            return advantages;
        }

        var results = new List<(string, double[])>
        {
            ("Monte Carlo", Run(AdvantageEstimator.MonteCarlo)),
            ("1-step TD", Run(AdvantageEstimator.TdZero)),
            ("3-step", Run(AdvantageEstimator.NStep, steps: 3)),
        };
        foreach (double lambda in Lambdas)
        {
            results.Add((F($"GAE lambda={lambda}"), Run(AdvantageEstimator.Gae, lambda)));
        }

        return results;
    }

    public static ExperimentReport RunExp05(ExperimentSettings settings)
    {
        var (rewards, values, results, json) = Compute(20, settings.Seed);
        var lines = new List<string> { F($"Synthetic episode of {rewards.Length} steps, gamma {Gamma}") };
        lines.AddRange(results.Select(r => Line(r.Name, r.Advantages)));
        lines.Add("Lecture: Monte Carlo +10.31 (std 5.00); GAE lambda=0.95 +7.67 (std 3.01); 1-step TD +0.996 (std 0.246)");
        return new ExperimentReport("exp05", "Advantage computation methods", lines, json, null);
    }

    public static ExperimentReport RunExp06(ExperimentSettings settings)
    {
        var (rewards, _, results, json) = Compute(30, settings.Seed + 1);
        var gae = results.Where(r => r.Name.StartsWith("GAE", StringComparison.Ordinal)).ToList();
        var lines = new List<string> { F($"Synthetic episode of {rewards.Length} steps, gamma {Gamma}") };
        lines.AddRange(gae.Select(r => Line(r.Name, r.Advantages)));
        lines.Add("Lecture: lambda 0.99 -> 12.98, 0.95 -> 7.67, 0.0 (TD) lowest mean 0.99 with the smallest variance (0.35)");
        string svg = LineChartSvg.Write("GAE advantage profiles by lambda", "t", "advantage",
            [.. gae.Select(r => (r.Name, (IReadOnlyList<(double X, double Y)>)[.. r.Advantages.Select((a, t) => ((double)t, a))]))]);
        return new ExperimentReport("exp06", "GAE implementation", lines, json, svg);
    }

    private static (double[] Rewards, double[] Values, List<(string Name, double[] Advantages)> Results, JsonObject Json) Compute(int length, ulong seed)
    {
        var (rewards, values) = Synthetic(length, seed);
        var results = Estimate(rewards, values);
        var estimators = new JsonObject();
        foreach (var (name, advantages) in results)
        {
            var (mean, std) = MeanStd(advantages);
            estimators[name] = new JsonObject { ["mean"] = mean, ["std"] = std, ["advantages"] = Array(advantages) };
        }

        var json = new JsonObject
        {
            ["length"] = length,
            ["gamma"] = Gamma,
            ["rewards"] = Array(rewards),
            ["values"] = Array(values),
            ["estimators"] = estimators,
        };
        return (rewards, values, results, json);
    }

    private static string Line(string name, double[] advantages)
    {
        var (mean, std) = MeanStd(advantages);
        return F($"  {name,-16} mean advantage {mean,8:+0.000;-0.000}  std {std:F3}");
    }
}
