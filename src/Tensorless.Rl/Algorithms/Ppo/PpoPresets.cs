using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>PPO's named presets: the PPO blog post's runs (seed 001) and rl-baselines3-zoo's tuned settings.</summary>
internal static class PpoPresets
{
    /// <summary>Every PPO preset.</summary>
    public static TrainingPreset[] All =>
    [
        SeedCartPole(),
        SeedSwingUp(),
        CartPole(),
        Pendulum(),
        PureJaxRlCartPole(),
    ];

    /// <summary>The preset a plain <c>--algo ppo --env X</c> uses, by env id.</summary>
    public static Dictionary<string, string> Defaults => new()
    {
        ["CartPole-v1"] = "ppo-cartpole",
        ["Pendulum-v1"] = "ppo-pendulum",
    };

    // train_pi_iters = 80 full-batch policy steps with a KL stop map to NumEpochs = 80 over one minibatch holding the
    // whole rollout, and an early stop at approx KL > 0.01 (factor 1, as the seed's `if approx_kl > kl_threshold`).
    private static PpoOptions Seed(double gamma, double lambda, double policyLr, double valueLr, bool gaussian) => new()
    {
        OnPolicy = SeedSettings.OnPolicy(gamma, lambda, policyLr, valueLr, gaussian, zeroInitLastLayers: true),
        MinibatchSize = SeedSettings.NumEnvs * SeedSettings.NumSteps,
        NumEpochs = 80,
        ClipRange = 0.1,
        TargetKl = 0.01,
        TargetKlFactor = 1.0,
    };

    // Blog 001: CategoricalPolicy(lr=1e-2), ValueEstimator(lr=1e-2), PPO(cartpole, ..., epochs=100) with defaults
    // gamma=0.99, lam=0.95, epsilon=0.1, kl_threshold=1e-2, train_V_iters=80, train_pi_iters=80, T=4052.
    private static TrainingPreset SeedCartPole() => new()
    {
        Name = "seed-ppo-cartpole",
        Algorithm = "ppo",
        EnvId = "CartPole-v0",
        Options = Seed(gamma: 0.99, lambda: 0.95, policyLr: 1e-2, valueLr: 1e-2, gaussian: false),
        TotalSteps = 100L * SeedSettings.NumSteps * SeedSettings.NumEnvs,
        TargetReturn = 195,
        Source = "Blog post 'PPO' (seed 001): policy lr 1e-2, value lr 1e-2, epsilon 0.1, KL threshold 0.01, train_pi_iters 80, train_V_iters 80, gamma 0.99, lambda 0.95, T 4052, 8 envs, 100 epochs; final logged value 201.6.",
    };

    // Blog 001: DiagonalGaussianPolicy(lr=1e-2), ValueEstimator(lr=1e-1), PPO(swingup, ..., gamma=0.999, lam=0.99)
    // with the default epochs=256 and the PPO defaults above.
    private static TrainingPreset SeedSwingUp() => new()
    {
        Name = "seed-ppo-swingup",
        Algorithm = "ppo",
        EnvId = "CartPoleSwingUp-v0",
        Options = Seed(gamma: 0.999, lambda: 0.99, policyLr: 1e-2, valueLr: 1e-1, gaussian: true),
        TotalSteps = 256L * SeedSettings.NumSteps * SeedSettings.NumEnvs,
        TargetReturn = 300,
        Source = "Blog post 'PPO' (seed 001): policy lr 1e-2, value lr 1e-1, gamma 0.999, lambda 0.99, epsilon 0.1, KL threshold 0.01, 80/80 iterations, T 4052, 8 envs, 256 epochs; final logged value 355.9, all 36 seeds 'solve'.",
    };

    // rl-baselines3-zoo hyperparams/ppo.yml, CartPole-v1 ("Tuned"): n_envs 8, n_timesteps 1e5, n_steps 32,
    // batch_size 256, gae_lambda 0.8, gamma 0.98, n_epochs 20, ent_coef 0, learning_rate lin_0.001, clip_range lin_0.2,
    // SB3 MlpPolicy otherwise. Chosen over CleanRL's ppo.py (4 envs x 128 steps, 4 minibatches, 4 epochs, lr 2.5e-4
    // annealed, gamma 0.99, lambda 0.95, clip 0.2, ent 0.01, 5e5 steps) because the zoo setting reaches 500 within
    // its 1e5-step budget, five times fewer steps than CleanRL's.
    private static TrainingPreset CartPole() => new()
    {
        Name = "ppo-cartpole",
        Algorithm = "ppo",
        EnvId = "CartPole-v1",
        Options = new PpoOptions
        {
            OnPolicy = new OnPolicyOptions
            {
                NumEnvs = 8,
                NumSteps = 32,
                Gamma = 0.98,
                GaeLambda = 0.8,
                EntCoef = 0.0,
                LearningRate = 1e-3,
                LearningRateSchedule = Schedule.Linear,
            },
            MinibatchSize = 256,
            NumEpochs = 20,
            ClipRange = 0.2,
            ClipRangeSchedule = Schedule.Linear,
        },
        TotalSteps = 100_000,
        TargetReturn = 475,
        Source = "rl-baselines3-zoo hyperparams/ppo.yml, CartPole-v1 (tuned): 8 envs x 32 steps, batch 256, 20 epochs, lr 1e-3 linear, clip 0.2 linear, gamma 0.98, lambda 0.8, ent 0, 1e5 steps.",
    };

    // rl-baselines3-zoo hyperparams/ppo.yml, Pendulum-v1 ("Tuned"): n_envs 4, n_timesteps 1e5, n_steps 1024,
    // gae_lambda 0.95, gamma 0.9, n_epochs 10, ent_coef 0, learning_rate 1e-3, clip_range 0.2, use_sde True,
    // sde_sample_freq 4; batch_size is SB3's default 64; no `normalize` entry. We have no generalized state-dependent
    // exploration, so the policy is the plain Gaussian with a state-independent log-std (SB3 log_std_init 0), and
    // the budget is doubled to 2e5 steps to make up for the weaker exploration.
    private static TrainingPreset Pendulum() => new()
    {
        Name = "ppo-pendulum",
        Algorithm = "ppo",
        EnvId = "Pendulum-v1",
        Options = new PpoOptions
        {
            OnPolicy = new OnPolicyOptions
            {
                NumEnvs = 4,
                NumSteps = 1024,
                Gamma = 0.9,
                GaeLambda = 0.95,
                EntCoef = 0.0,
                LearningRate = 1e-3,
            },
            MinibatchSize = 64,
            NumEpochs = 10,
            ClipRange = 0.2,
        },
        TotalSteps = 200_000,
        TargetReturn = -200,
        Source = "rl-baselines3-zoo hyperparams/ppo.yml, Pendulum-v1 (tuned): 4 envs x 1024 steps, batch 64, 10 epochs, gamma 0.9, lambda 0.95, lr 1e-3, clip 0.2, ent 0; without gSDE (zoo: use_sde True), budget 2e5 instead of 1e5.",
    };

    // PureJaxRL's ppo.py CartPole-v1 configuration (the population benchmark of issue 10): NUM_ENVS 4, NUM_STEPS 128,
    // UPDATE_EPOCHS 4, NUM_MINIBATCHES 4 (so minibatches of 128), LR 2.5e-4 annealed linearly, GAMMA 0.99, GAE_LAMBDA
    // 0.95, CLIP_EPS 0.2, ENT_COEF 0.01, VF_COEF 0.5, MAX_GRAD_NORM 0.5, Adam eps 1e-5, separate 64x64 tanh actor and
    // critic with orthogonal init, 5e5 steps. Two differences we keep: PureJaxRL also clips the value loss CleanRL-style
    // (the larger of the clipped and unclipped squared errors, halved), which we do not have; our value loss is SB3's
    // unclipped mean squared error times VF_COEF.
    private static TrainingPreset PureJaxRlCartPole() => new()
    {
        Name = "purejaxrl-cartpole",
        Algorithm = "ppo",
        EnvId = "CartPole-v1",
        Options = new PpoOptions
        {
            OnPolicy = new OnPolicyOptions
            {
                NumEnvs = 4,
                NumSteps = 128,
                Gamma = 0.99,
                GaeLambda = 0.95,
                EntCoef = 0.01,
                VfCoef = 0.5,
                LearningRate = 2.5e-4,
                LearningRateSchedule = Schedule.Linear,
                MaxGradNorm = 0.5,
                OptimizerEps = 1e-5,
            },
            MinibatchSize = 128,
            NumEpochs = 4,
            ClipRange = 0.2,
        },
        TotalSteps = 500_000,
        TargetReturn = 475,
        Source = "PureJaxRL ppo.py, CartPole-v1: 4 envs x 128 steps, 4 epochs x 4 minibatches, lr 2.5e-4 annealed, gamma 0.99, lambda 0.95, clip 0.2, ent 0.01, vf 0.5, grad norm 0.5, 64x64 tanh, 5e5 steps; without its clipped value loss.",
    };
}
