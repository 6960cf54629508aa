using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>TRPO's named presets: rl-baselines3-zoo's tuned settings (hyperparams/trpo.yml).</summary>
internal static class TrpoPresets
{
    /// <summary>Every TRPO preset.</summary>
    public static TrainingPreset[] All => [CartPole(), Pendulum()];

    /// <summary>The preset a plain <c>--algo trpo --env X</c> uses, by env id.</summary>
    public static Dictionary<string, string> Defaults => new()
    {
        ["CartPole-v1"] = "trpo-cartpole",
        ["Pendulum-v1"] = "trpo-pendulum",
    };

    /// <summary>The zoo's CartPole-v1 settings, shared with npg-cartpole.</summary>
    internal static OnPolicyOptions CartPoleOnPolicy => TrpoOptions.Defaults with
    {
        NumEnvs = 2,
        NumSteps = 512,
        Gamma = 0.99,
        GaeLambda = 0.98,
        LearningRate = 1e-3,
    };

    // rl-baselines3-zoo hyperparams/trpo.yml, CartPole-v1 ("Tuned"): n_envs 2, n_timesteps 1e5, n_steps 512,
    // batch_size 512, cg_damping 1e-3, gae_lambda 0.98, gamma 0.99, learning_rate 1e-3, n_critic_updates 20;
    // SB3-contrib's TRPO otherwise (target_kl 0.01, cg_max_steps 15, line search 0.8 x 10, MlpPolicy 64-64 tanh).
    // Seeds 1-5 solved (last 100 episodes >= 475) in 97k-151k steps on the development machine.
    private static TrainingPreset CartPole() => new()
    {
        Name = "trpo-cartpole",
        Algorithm = "trpo",
        EnvId = "CartPole-v1",
        Options = new TrpoOptions
        {
            OnPolicy = CartPoleOnPolicy,
            MinibatchSize = 512,
            CgDamping = 1e-3,
            NumCriticUpdates = 20,
        },
        TotalSteps = 100_000,
        TargetReturn = 475,
        Source = "rl-baselines3-zoo hyperparams/trpo.yml, CartPole-v1 (tuned): 2 envs x 512 steps, batch 512, cg_damping 1e-3, gamma 0.99, lambda 0.98, lr 1e-3, 20 critic epochs, 1e5 steps; SB3-contrib TRPO defaults otherwise.",
    };

    // rl-baselines3-zoo hyperparams/trpo.yml, Pendulum-v1 ("Tuned"): n_envs 2, n_timesteps 1e5, n_steps 1024, gamma 0.9,
    // n_critic_updates 15, use_sde True, sde_sample_freq 4; SB3-contrib's TRPO otherwise (batch_size 128, lambda 0.95,
    // lr 1e-3, cg_damping 0.1). We have no generalized state-dependent exploration, so the policy is the plain Gaussian
    // with a state-independent log-std (SB3 log_std_init 0), and the budget is doubled to 2e5 steps as ppo-pendulum's.
    private static TrainingPreset Pendulum() => new()
    {
        Name = "trpo-pendulum",
        Algorithm = "trpo",
        EnvId = "Pendulum-v1",
        Options = new TrpoOptions
        {
            OnPolicy = TrpoOptions.Defaults with { NumEnvs = 2, NumSteps = 1024, Gamma = 0.9 },
            NumCriticUpdates = 15,
        },
        TotalSteps = 200_000,
        TargetReturn = -200,
        Source = "rl-baselines3-zoo hyperparams/trpo.yml, Pendulum-v1 (tuned): 2 envs x 1024 steps, gamma 0.9, 15 critic epochs; without gSDE (zoo: use_sde True), budget 2e5 instead of 1e5; SB3-contrib TRPO defaults otherwise.",
    };
}
