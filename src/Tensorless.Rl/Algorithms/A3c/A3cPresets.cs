using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>A3C's named presets.</summary>
internal static class A3cPresets
{
    /// <summary>Every A3C preset.</summary>
    public static TrainingPreset[] All => [CartPole()];

    /// <summary>The preset a plain <c>--algo a3c --env X</c> uses, by env id.</summary>
    public static Dictionary<string, string> Defaults => new() { ["CartPole-v1"] = "a3c-cartpole" };

    // No tuned A3C CartPole-v1 settings are published by rl-baselines3-zoo (it has no A3C), so this carries over the
    // zoo's A2C CartPole-v1 entry (a2c-cartpole: 8 envs, ent_coef 0, SB3's A2C defaults of t_max 5, RMSprop lr 7e-4,
    // alpha 0.99, eps 1e-5, gamma 0.99, vf 0.5, grad clip 0.5), which is the paper's A3C update run synchronously, and
    // splits the 8 envs between the 2 workers (4 each, so each worker's step sees 20 samples and a round takes
    // 2 steps). The paper's entropy beta 0.01 (A3cOptions' default) is dropped as the zoo drops it for CartPole, whose
    // two actions need no extra exploration. Each round applies two 20-sample steps where A2C applies one 40-sample
    // step, so the learning rate is halved to 3.5e-4: with the zoo's 7e-4, 1 of 5 seeds (seed 1) reached the training
    // target with a deterministic evaluation of only 241 in a `bench solve`; at 3.5e-4 ten asynchronous runs of seeds
    // 1-5 (two passes) all solved, evaluation 497.7-500, at 144k-423k steps.
    private static TrainingPreset CartPole() => new()
    {
        Name = "a3c-cartpole",
        Algorithm = "a3c",
        EnvId = "CartPole-v1",
        Options = new A3cOptions { NumWorkers = 2, OnPolicy = A3cOptions.Defaults with { NumEnvs = 8, EntCoef = 0.0, LearningRate = 3.5e-4 } },
        TotalSteps = 500_000,
        TargetReturn = 475,
        Source = "rl-baselines3-zoo hyperparams/a2c.yml, CartPole-v1 (8 envs, ent 0, SB3 A2C defaults: t_max 5, RMSprop 7e-4, gamma 0.99, vf 0.5, grad 0.5), split between 2 A3C workers, lr halved to 3.5e-4 (two steps per round); 5e5 steps.",
    };
}
