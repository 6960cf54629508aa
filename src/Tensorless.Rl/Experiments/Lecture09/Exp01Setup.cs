using System.Text.Json.Nodes;
using Tensorless.Envs;
using Tensorless.Envs.Random;
using static Tensorless.Rl.Experiments.Lecture09.LectureExperiments;

namespace Tensorless.Rl.Experiments.Lecture09;

/// <summary>exp01_setup.py: a 4-env CartPole vector env reset with seed 2024, one step of random actions.</summary>
internal static class Exp01Setup
{
    public static ExperimentReport Run(ExperimentSettings settings)
    {
        const int numEnvs = 4;
        const ulong seed = 2024;
        var env = Gym.MakeVector("CartPole-v1", numEnvs);
        var observations = new double[numEnvs * env.ObservationSize];
        env.Reset(observations, seed);
        // env.action_space.sample() of SyncVectorEnv: one Discrete(2) draw per env.
        var rng = new Pcg64(seed);
        var actions = new double[numEnvs];
        for (int i = 0; i < numEnvs; i++)
        {
            env.SingleActionSpace.Sample(rng, actions.AsSpan(i, 1));
        }

        var rewards = new double[numEnvs];
        var terminated = new bool[numEnvs];
        var truncated = new bool[numEnvs];
        env.Step(actions, observations, rewards, terminated, truncated);
        string shape = F($"({numEnvs}, {env.ObservationSize})");
        string rewardText = "[" + string.Join(", ", rewards.Select(r => F($"{r:G}"))) + "]";
        var json = new JsonObject
        {
            ["env_id"] = "CartPole-v1",
            ["num_envs"] = numEnvs,
            ["seed"] = seed,
            ["obs_shape"] = new JsonArray(numEnvs, env.ObservationSize),
            ["actions"] = Array(actions),
            ["rewards"] = Array(rewards),
            ["terminated"] = new JsonArray([.. terminated.Select(t => (JsonNode?)t)]),
            ["truncated"] = new JsonArray([.. truncated.Select(t => (JsonNode?)t)]),
            ["first_obs_after_step"] = Array(observations.Take(env.ObservationSize)),
        };
        return new ExperimentReport("exp01", "Setup verification",
        [
            F($"Runtime: .NET {Environment.Version}, Tensorless (lecture: Python 3.12.11, PyTorch 2.7.1, Gymnasium 1.2.0); device: cpu (lecture: cpu)"),
            F($"Vector obs shape: {shape}   (lecture: (4, 4))"),
            F($"Reward sample: {rewardText}   (lecture: [1, 1, 1, 1])"),
        ], json, null);
    }
}
