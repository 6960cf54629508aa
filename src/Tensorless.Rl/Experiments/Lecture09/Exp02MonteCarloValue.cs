using System.Text.Json.Nodes;
using Tensorless.Envs;
using Tensorless.Envs.Random;
using static Tensorless.Rl.Experiments.Lecture09.LectureExperiments;

namespace Tensorless.Rl.Experiments.Lecture09;

/// <summary>
/// exp02_value_functions.py: 25 uniformly random CartPole-v1 episodes and the every-visit Monte Carlo estimate
/// V(s_t) = mean over the episodes still running at t of the undiscounted return from t (the lecture's V(0) equals
/// its mean return, so gamma = 1).
/// </summary>
internal static class Exp02MonteCarloValue
{
    public static ExperimentReport Run(ExperimentSettings settings)
    {
        int episodes = settings.Budget ?? 25;
        var env = Gym.Make("CartPole-v1");
        var rng = new Pcg64(settings.Seed);
        var observation = new double[env.ObservationSpace.FlatSize];
        var action = new double[1];
        var rewardLists = new List<List<double>>();
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(observation, settings.Seed + (ulong)e);
            var rewards = new List<double>();
            while (true)
            {
                env.ActionSpace.Sample(rng, action);
                var step = env.Step(action, observation);
                rewards.Add(step.Reward);
                if (step.Terminated || step.Truncated)
                {
                    break;
                }
            }

            rewardLists.Add(rewards);
        }

        var returns = rewardLists.Select(r => r.Sum()).ToList();
        var (mean, std) = MeanStd(returns);
        int horizon = rewardLists.Max(r => r.Count);
        var value = new double[horizon];
        var visits = new int[horizon];
        foreach (var rewards in rewardLists)
        {
            double g = 0;
            for (int t = rewards.Count - 1; t >= 0; t--)
            {
                g += rewards[t];
                value[t] += g;
                visits[t]++;
            }
        }

        for (int t = 0; t < horizon; t++)
        {
            value[t] /= visits[t];
        }

        var json = new JsonObject
        {
            ["episodes"] = episodes,
            ["gamma"] = 1.0,
            ["returns"] = Array(returns),
            ["mean_return"] = mean,
            ["std_return"] = std,
            ["value_by_t"] = Array(value),
            ["visits_by_t"] = new JsonArray([.. visits.Select(v => (JsonNode?)v)]),
        };
        string svg = LineChartSvg.Write("Monte Carlo V(s_t), random CartPole policy", "t", "V(s_t)",
            [("V(s_t)", [.. value.Select((v, t) => ((double)t, v))])]);
        int t4 = Math.Min(4, horizon - 1);
        return new ExperimentReport("exp02", "Value function basics",
        [
            F($"Random-policy episodes: {episodes}   (lecture: 25)"),
            F($"Average episode return: {mean:F1} +/- {std:F1}   (lecture: 19.7 +/- 10.9)"),
            F($"V(t=0) = {value[0]:F2}, V(t={t4}) = {value[t4]:F2}   (lecture: 19.70 decaying to 16.40 at t = 4)"),
        ], json, svg);
    }
}
