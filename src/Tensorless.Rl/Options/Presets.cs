namespace Tensorless.Rl;

/// <summary>
/// Named training presets: the seeds' runs (the A2C and PPO blog posts, the lecture's table) and the standard
/// tuned settings (rl-baselines3-zoo). Seed sources, in <c>/work/shared/seeds/</c> and summarized in
/// <c>docs/seeds.md</c>: "A2C and GAE" blog post (000), "PPO" blog post (001), course note C-3 (002), lecture 9
/// "Actor-Critic Methods" (003).
/// </summary>
public static class Presets
{
    // The blog's rollouts: 8 copies of the env, T = 4052 steps each (A2C(..., T=4052), PPO(..., T=4052)).
    private const int SeedNumEnvs = 8;
    private const int SeedSteps = 4052;

    private static readonly TrainingPreset[] All =
    [
        SeedA2cCartPole(),
        SeedPpoCartPole(),
        SeedA2cSwingUp(),
        SeedPpoSwingUp(),
        LectureA2cCartPole(),
        PpoCartPole(),
        A2cCartPole(),
        PpoPendulum(),
    ];

    /// <summary>The preset names, in a stable order.</summary>
    public static IReadOnlyList<string> Names { get; } = Array.ConvertAll(All, p => p.Name);

    /// <summary>Returns the preset called <paramref name="name"/> (case-sensitive).</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset.</returns>
    /// <exception cref="ArgumentException">No preset has that name; the message lists the known names.</exception>
    public static TrainingPreset Get(string name)
    {
        foreach (TrainingPreset preset in All)
        {
            if (string.Equals(preset.Name, name, StringComparison.Ordinal))
            {
                return preset;
            }
        }

        throw new ArgumentException($"Unknown preset '{name}'. Known presets: {string.Join(", ", Names)}.", nameof(name));
    }

    // The seeds' networks (blog posts 000 and 001): CategoricalPolicy is one linear layer obs -> logits,
    // DiagonalGaussianPolicy is obs -> 64 ReLU -> mean with a learned log_sigma initialized to 1 (used as a
    // log-variance: std = e^0.5), ValueEstimator is obs -> 64 ReLU -> 1; PyTorch default init; the PPO post sets the
    // last layers to zero. Adam (PyTorch eps 1e-8), no gradient clipping, advantages standardized per rollout,
    // no entropy bonus, the value net fitted separately for train_V_iters = 80 full-batch steps per rollout.
    // Where our learner differs from the seed code on purpose: the estimators cut at episode ends, bootstrap once and
    // bootstrap truncations (DESIGN.md slips 1-3); the seed fits V to the (bootstrapped) discounted returns and then
    // computes GAE with the refitted V, while our learners fit to the estimator's returns.
    private static PolicyOptions SeedPolicy(bool gaussian, bool zeroInitLastLayers) => new()
    {
        HiddenSizes = [64],
        ActorHiddenSizes = gaussian ? [64] : [],
        CriticHiddenSizes = [64],
        Activation = Activation.Relu,
        OrthogonalInit = false,
        ZeroInitLastLayers = zeroInitLastLayers,
        LogStdInit = gaussian ? 0.5 : 0.0,
    };

    // Blog 000: CategoricalPolicy(cartpole, lr=1e-1), ValueEstimator(cartpole, lr=1e-2),
    // A2C(cartpole, ..., epochs=100) with defaults gamma=0.99, lam=0.95, train_V_iters=80, T=4052 on CartPole-v0 x 8.
    private static TrainingPreset SeedA2cCartPole() => new()
    {
        Name = "seed-a2c-cartpole",
        Algorithm = TrainingAlgorithm.A2c,
        EnvId = "CartPole-v0",
        A2c = SeedA2c(gamma: 0.99, lambda: 0.95, policyLr: 1e-1, valueLr: 1e-2, gaussian: false),
        TotalSteps = 100L * SeedSteps * SeedNumEnvs,
        TargetReturn = 195,
        Source = "Blog post 'A2C and GAE' (seed 000): policy lr 1e-1, value lr 1e-2, gamma 0.99, lambda 0.95, train_V_iters 80, T 4052, 8 envs, 100 epochs; logged curve plateaus near 210 (a bootstrapped ratio, not an episode return).",
    };

    // Blog 001: CategoricalPolicy(lr=1e-2), ValueEstimator(lr=1e-2), PPO(cartpole, ..., epochs=100) with defaults
    // gamma=0.99, lam=0.95, epsilon=0.1, kl_threshold=1e-2, train_V_iters=80, train_pi_iters=80, T=4052.
    private static TrainingPreset SeedPpoCartPole() => new()
    {
        Name = "seed-ppo-cartpole",
        Algorithm = TrainingAlgorithm.Ppo,
        EnvId = "CartPole-v0",
        Ppo = SeedPpo(gamma: 0.99, lambda: 0.95, policyLr: 1e-2, valueLr: 1e-2, gaussian: false),
        TotalSteps = 100L * SeedSteps * SeedNumEnvs,
        TargetReturn = 195,
        Source = "Blog post 'PPO' (seed 001): policy lr 1e-2, value lr 1e-2, epsilon 0.1, KL threshold 0.01, train_pi_iters 80, train_V_iters 80, gamma 0.99, lambda 0.95, T 4052, 8 envs, 100 epochs; final logged value 201.6.",
    };

    // Blog 000: DiagonalGaussianPolicy(swingup, lr=1e-2), ValueEstimator(swingup, lr=1e-1),
    // A2C(swingup, ..., gamma=0.999, lam=0.99, epochs=256, T=4052) on CartPoleSwingUp-v0 x 8.
    private static TrainingPreset SeedA2cSwingUp() => new()
    {
        Name = "seed-a2c-swingup",
        Algorithm = TrainingAlgorithm.A2c,
        EnvId = "CartPoleSwingUp-v0",
        A2c = SeedA2c(gamma: 0.999, lambda: 0.99, policyLr: 1e-2, valueLr: 1e-1, gaussian: true),
        TotalSteps = 256L * SeedSteps * SeedNumEnvs,
        TargetReturn = 100,
        Source = "Blog post 'A2C and GAE' (seed 000): policy lr 1e-2, value lr 1e-1, gamma 0.999, lambda 0.99, T 4052, 8 envs, 256 epochs; agents end near -30 (stuck), 100-200, or up to 400.",
    };

    // Blog 001: DiagonalGaussianPolicy(lr=1e-2), ValueEstimator(lr=1e-1), PPO(swingup, ..., gamma=0.999, lam=0.99)
    // with the default epochs=256 and the PPO defaults above.
    private static TrainingPreset SeedPpoSwingUp() => new()
    {
        Name = "seed-ppo-swingup",
        Algorithm = TrainingAlgorithm.Ppo,
        EnvId = "CartPoleSwingUp-v0",
        Ppo = SeedPpo(gamma: 0.999, lambda: 0.99, policyLr: 1e-2, valueLr: 1e-1, gaussian: true),
        TotalSteps = 256L * SeedSteps * SeedNumEnvs,
        TargetReturn = 300,
        Source = "Blog post 'PPO' (seed 001): policy lr 1e-2, value lr 1e-1, gamma 0.999, lambda 0.99, epsilon 0.1, KL threshold 0.01, 80/80 iterations, T 4052, 8 envs, 256 epochs; final logged value 355.9, all 36 seeds 'solve'.",
    };

    private static A2cOptions SeedA2c(double gamma, double lambda, double policyLr, double valueLr, bool gaussian) => new()
    {
        NumEnvs = SeedNumEnvs,
        NumSteps = SeedSteps,
        Gamma = gamma,
        GaeLambda = lambda,
        EntCoef = 0.0,
        MaxGradNorm = null,
        LearningRate = policyLr,
        ValueLearningRate = valueLr,
        TrainValueIterations = 80,
        Optimizer = OptimizerKind.Adam,
        OptimizerEps = 1e-8,
        NormalizeAdvantage = true,
        Policy = SeedPolicy(gaussian, zeroInitLastLayers: false),
    };

    // train_pi_iters = 80 full-batch policy steps with a KL stop map to NumEpochs = 80 over one minibatch holding the
    // whole rollout, and an early stop at approx KL > 0.01 (factor 1, as the seed's `if approx_kl > kl_threshold`).
    private static PpoOptions SeedPpo(double gamma, double lambda, double policyLr, double valueLr, bool gaussian) => new()
    {
        NumEnvs = SeedNumEnvs,
        NumSteps = SeedSteps,
        BatchSize = SeedNumEnvs * SeedSteps,
        NumEpochs = 80,
        Gamma = gamma,
        GaeLambda = lambda,
        ClipRange = 0.1,
        TargetKl = 0.01,
        TargetKlFactor = 1.0,
        EntCoef = 0.0,
        MaxGradNorm = null,
        LearningRate = policyLr,
        ValueLearningRate = valueLr,
        TrainValueIterations = 80,
        Optimizer = OptimizerKind.Adam,
        OptimizerEps = 1e-8,
        NormalizeAdvantage = true,
        Policy = SeedPolicy(gaussian, zeroInitLastLayers: true),
    };

    // Lecture 9 (seed 003), "Hyperparameter Guidelines for A2C", CartPole-v1 column: lr 3e-4, GAE lambda 0.95,
    // gamma 0.99, value coeff 0.5, entropy coeff 0.01, grad clip 0.5, 16 envs, 128 rollout steps; exp04's shared trunk
    // Linear-ReLU-Linear-ReLU of 128 units (17,539 parameters with the 2-logit and 1-value heads); advantages
    // standardized with eps 1e-8; "CartPole-v1: 500 updates to convergence" (500 x 2048 steps), success = mean
    // return >= 475 over 100 episodes. The lecture does not name the optimizer; Adam is assumed (its PyTorch header
    // and the lr 3e-4 are Adam practice).
    private static TrainingPreset LectureA2cCartPole() => new()
    {
        Name = "lecture-a2c-cartpole",
        Algorithm = TrainingAlgorithm.A2c,
        EnvId = "CartPole-v1",
        A2c = new A2cOptions
        {
            NumEnvs = 16,
            NumSteps = 128,
            Gamma = 0.99,
            GaeLambda = 0.95,
            EntCoef = 0.01,
            VfCoef = 0.5,
            MaxGradNorm = 0.5,
            LearningRate = 3e-4,
            Optimizer = OptimizerKind.Adam,
            OptimizerEps = 1e-8,
            NormalizeAdvantage = true,
            Policy = new PolicyOptions
            {
                HiddenSizes = [128, 128],
                SharedTrunk = true,
                Activation = Activation.Relu,
                OrthogonalInit = false,
            },
        },
        TotalSteps = 500L * 16 * 128,
        TargetReturn = 475,
        Source = "Lecture 9 (seed 003) hyperparameter table, CartPole-v1 column, and exp04's shared 128-128 ReLU trunk; 500 updates.",
    };

    // rl-baselines3-zoo hyperparams/ppo.yml, CartPole-v1 ("Tuned"): n_envs 8, n_timesteps 1e5, n_steps 32,
    // batch_size 256, gae_lambda 0.8, gamma 0.98, n_epochs 20, ent_coef 0, learning_rate lin_0.001, clip_range lin_0.2,
    // SB3 MlpPolicy otherwise. Chosen over CleanRL's ppo.py (4 envs x 128 steps, 4 minibatches, 4 epochs, lr 2.5e-4
    // annealed, gamma 0.99, lambda 0.95, clip 0.2, ent 0.01, 5e5 steps) because the zoo setting reaches 500 within
    // its 1e5-step budget, five times fewer steps than CleanRL's.
    private static TrainingPreset PpoCartPole() => new()
    {
        Name = "ppo-cartpole",
        Algorithm = TrainingAlgorithm.Ppo,
        EnvId = "CartPole-v1",
        Ppo = new PpoOptions
        {
            NumEnvs = 8,
            NumSteps = 32,
            BatchSize = 256,
            NumEpochs = 20,
            Gamma = 0.98,
            GaeLambda = 0.8,
            EntCoef = 0.0,
            LearningRate = 1e-3,
            LearningRateSchedule = Schedule.Linear,
            ClipRange = 0.2,
            ClipRangeSchedule = Schedule.Linear,
        },
        TotalSteps = 100_000,
        TargetReturn = 475,
        Source = "rl-baselines3-zoo hyperparams/ppo.yml, CartPole-v1 (tuned): 8 envs x 32 steps, batch 256, 20 epochs, lr 1e-3 linear, clip 0.2 linear, gamma 0.98, lambda 0.8, ent 0, 1e5 steps.",
    };

    // rl-baselines3-zoo hyperparams/a2c.yml, CartPole-v1: n_envs 8, n_timesteps 5e5, ent_coef 0, SB3 A2C otherwise.
    private static TrainingPreset A2cCartPole() => new()
    {
        Name = "a2c-cartpole",
        Algorithm = TrainingAlgorithm.A2c,
        EnvId = "CartPole-v1",
        A2c = new A2cOptions { NumEnvs = 8, EntCoef = 0.0 },
        TotalSteps = 500_000,
        TargetReturn = 475,
        Source = "rl-baselines3-zoo hyperparams/a2c.yml, CartPole-v1: 8 envs, ent 0, 5e5 steps; everything else SB3's A2C defaults (5 steps, RMSprop lr 7e-4, gamma 0.99, vf 0.5, grad 0.5).",
    };

    // rl-baselines3-zoo hyperparams/ppo.yml, Pendulum-v1 ("Tuned"): n_envs 4, n_timesteps 1e5, n_steps 1024,
    // gae_lambda 0.95, gamma 0.9, n_epochs 10, ent_coef 0, learning_rate 1e-3, clip_range 0.2, use_sde True,
    // sde_sample_freq 4; batch_size is SB3's default 64; no `normalize` entry. We have no generalized state-dependent
    // exploration, so the policy is the plain Gaussian with a state-independent log-std (SB3 log_std_init 0), and
    // the budget is doubled to 2e5 steps to make up for the weaker exploration.
    private static TrainingPreset PpoPendulum() => new()
    {
        Name = "ppo-pendulum",
        Algorithm = TrainingAlgorithm.Ppo,
        EnvId = "Pendulum-v1",
        Ppo = new PpoOptions
        {
            NumEnvs = 4,
            NumSteps = 1024,
            BatchSize = 64,
            NumEpochs = 10,
            Gamma = 0.9,
            GaeLambda = 0.95,
            EntCoef = 0.0,
            LearningRate = 1e-3,
            ClipRange = 0.2,
        },
        TotalSteps = 200_000,
        TargetReturn = -200,
        Source = "rl-baselines3-zoo hyperparams/ppo.yml, Pendulum-v1 (tuned): 4 envs x 1024 steps, batch 64, 10 epochs, gamma 0.9, lambda 0.95, lr 1e-3, clip 0.2, ent 0; without gSDE (zoo: use_sde True), budget 2e5 instead of 1e5.",
    };
}
