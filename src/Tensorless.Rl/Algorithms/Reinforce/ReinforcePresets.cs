using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>REINFORCE's named presets.</summary>
internal static class ReinforcePresets
{
    /// <summary>Every REINFORCE preset.</summary>
    public static TrainingPreset[] All =>
    [
        CartPole(),
        CartPoleNoBaseline(),
    ];

    /// <summary>The preset a plain <c>--algo reinforce --env X</c> uses, by env id.</summary>
    public static Dictionary<string, string> Defaults => new() { ["CartPole-v1"] = "reinforce-cartpole" };

    // No published REINFORCE setting for CartPole-v1 to copy (SB3, CleanRL and the zoo have none), so measured here:
    // the textbook REINFORCE with a learned baseline (ReinforceOptions' defaults: 8 envs x 500 steps, so an env's
    // rollout holds a whole 500-step episode; reward-to-go; advantages standardised; joint value loss, vf 0.5; Adam;
    // no clipping) with the learning rate raised from 1e-3 to 1e-2, tried against 3e-3 and 128/256-step rollouts on
    // seeds 1-3: 1e-2 with 500 steps solved seeds 1-7 in 92k-228k steps (3e-3: 196k-264k; 128 steps, 3e-3: 79k-155k but
    // then most returns are bootstrapped from the critic, which is A2C with lambda 1 rather than REINFORCE).
    private static TrainingPreset CartPole() => new()
    {
        Name = "reinforce-cartpole",
        Algorithm = "reinforce",
        EnvId = "CartPole-v1",
        Options = new ReinforceOptions
        {
            OnPolicy = ReinforceOptions.Defaults with { LearningRate = 1e-2 },
        },
        TotalSteps = 500_000,
        TargetReturn = 475,
        Source = "Measured (no published REINFORCE CartPole setting): REINFORCE with a learned baseline, 8 envs x 500 steps, reward-to-go, normalised advantages, joint value loss vf 0.5, Adam lr 1e-2, gamma 0.99; solved seeds 1-7 in 92k-228k steps.",
    };

    // Williams' estimator without a baseline (still reward-to-go and standardised returns, which keep the step size
    // sane when every return is positive). Without a critic the unfinished tail of each env's rollout is left out of
    // the update (see Reinforce's remarks), so the rollout is two episode limits long (1,000 steps) to keep most steps
    // in use. lr 3e-3: seeds 1-5 solved (training and the 100-episode deterministic evaluation) in 304k-488k steps;
    // 1e-2, as with the baseline, reached the training target sooner (136k-192k steps, seeds 1-7) but seed 5's
    // deterministic evaluation then averaged only 372.
    private static TrainingPreset CartPoleNoBaseline() => new()
    {
        Name = "reinforce-cartpole-no-baseline",
        Algorithm = "reinforce",
        EnvId = "CartPole-v1",
        Options = new ReinforceOptions
        {
            Baseline = false,
            OnPolicy = ReinforceOptions.Defaults with { NumSteps = 1000, LearningRate = 3e-3 },
        },
        TotalSteps = 1_000_000,
        TargetReturn = 475,
        Source = "Measured: REINFORCE without a baseline, 8 envs x 1000 steps (unfinished episodes wait for the next rollout), reward-to-go, normalised returns, Adam lr 3e-3, gamma 0.99; solved seeds 1-5 in 304k-488k steps.",
    };
}
