using Tensorless.Autodiff.Nn;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>A2C's named presets: the A2C blog post's runs (seed 000), the lecture's table (seed 003) and rl-baselines3-zoo's.</summary>
internal static class A2cPresets
{
    /// <summary>Every A2C preset.</summary>
    public static TrainingPreset[] All =>
    [
        SeedCartPole(),
        SeedSwingUp(),
        LectureCartPole(),
        CartPole(),
    ];

    /// <summary>The preset a plain <c>--algo a2c --env X</c> uses, by env id.</summary>
    public static Dictionary<string, string> Defaults => new() { ["CartPole-v1"] = "a2c-cartpole" };

    private static A2cOptions Seed(double gamma, double lambda, double policyLr, double valueLr, bool gaussian) => new()
    {
        OnPolicy = SeedSettings.OnPolicy(gamma, lambda, policyLr, valueLr, gaussian, zeroInitLastLayers: false),
    };

    // Blog 000: CategoricalPolicy(cartpole, lr=1e-1), ValueEstimator(cartpole, lr=1e-2),
    // A2C(cartpole, ..., epochs=100) with defaults gamma=0.99, lam=0.95, train_V_iters=80, T=4052 on CartPole-v0 x 8.
    private static TrainingPreset SeedCartPole() => new()
    {
        Name = "seed-a2c-cartpole",
        Algorithm = "a2c",
        EnvId = "CartPole-v0",
        Options = Seed(gamma: 0.99, lambda: 0.95, policyLr: 1e-1, valueLr: 1e-2, gaussian: false),
        TotalSteps = 100L * SeedSettings.NumSteps * SeedSettings.NumEnvs,
        TargetReturn = 195,
        Source = "Blog post 'A2C and GAE' (seed 000): policy lr 1e-1, value lr 1e-2, gamma 0.99, lambda 0.95, train_V_iters 80, T 4052, 8 envs, 100 epochs; logged curve plateaus near 210 (a bootstrapped ratio, not an episode return).",
    };

    // Blog 000: DiagonalGaussianPolicy(swingup, lr=1e-2), ValueEstimator(swingup, lr=1e-1),
    // A2C(swingup, ..., gamma=0.999, lam=0.99, epochs=256, T=4052) on CartPoleSwingUp-v0 x 8.
    private static TrainingPreset SeedSwingUp() => new()
    {
        Name = "seed-a2c-swingup",
        Algorithm = "a2c",
        EnvId = "CartPoleSwingUp-v0",
        Options = Seed(gamma: 0.999, lambda: 0.99, policyLr: 1e-2, valueLr: 1e-1, gaussian: true),
        TotalSteps = 256L * SeedSettings.NumSteps * SeedSettings.NumEnvs,
        TargetReturn = 100,
        Source = "Blog post 'A2C and GAE' (seed 000): policy lr 1e-2, value lr 1e-1, gamma 0.999, lambda 0.99, T 4052, 8 envs, 256 epochs; agents end near -30 (stuck), 100-200, or up to 400.",
    };

    // Lecture 9 (seed 003), "Hyperparameter Guidelines for A2C", CartPole-v1 column: lr 3e-4, GAE lambda 0.95,
    // gamma 0.99, value coeff 0.5, entropy coeff 0.01, grad clip 0.5, 16 envs, 128 rollout steps; exp04's shared trunk
    // Linear-ReLU-Linear-ReLU of 128 units (17,539 parameters with the 2-logit and 1-value heads); advantages
    // standardized with eps 1e-8; "CartPole-v1: 500 updates to convergence" (500 x 2048 steps), success = mean
    // return >= 475 over 100 episodes. The lecture does not name the optimizer; Adam is assumed (its PyTorch header
    // and the lr 3e-4 are Adam practice).
    private static TrainingPreset LectureCartPole() => new()
    {
        Name = "lecture-a2c-cartpole",
        Algorithm = "a2c",
        EnvId = "CartPole-v1",
        Options = new A2cOptions
        {
            OnPolicy = A2cOptions.Defaults with
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
        },
        TotalSteps = 500L * 16 * 128,
        TargetReturn = 475,
        Source = "Lecture 9 (seed 003) hyperparameter table, CartPole-v1 column, and exp04's shared 128-128 ReLU trunk; 500 updates.",
    };

    // rl-baselines3-zoo hyperparams/a2c.yml, CartPole-v1: n_envs 8, n_timesteps 5e5, ent_coef 0, SB3 A2C otherwise.
    private static TrainingPreset CartPole() => new()
    {
        Name = "a2c-cartpole",
        Algorithm = "a2c",
        EnvId = "CartPole-v1",
        Options = new A2cOptions { OnPolicy = A2cOptions.Defaults with { NumEnvs = 8, EntCoef = 0.0 } },
        TotalSteps = 500_000,
        TargetReturn = 475,
        Source = "rl-baselines3-zoo hyperparams/a2c.yml, CartPole-v1: 8 envs, ent 0, 5e5 steps; everything else SB3's A2C defaults (5 steps, RMSprop lr 7e-4, gamma 0.99, vf 0.5, grad 0.5).",
    };
}
