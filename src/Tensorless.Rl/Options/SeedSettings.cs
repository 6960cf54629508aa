using Tensorless.Autodiff.Nn;

namespace Tensorless.Rl.Options;

/// <summary>
/// What the seeds' A2C and PPO presets share (blog posts 000 and 001, in <c>shared/seeds/</c>, summarized in
/// <c>docs/seeds.md</c>): the rollout shape and the networks.
/// </summary>
internal static class SeedSettings
{
    /// <summary>The blog's rollouts: 8 copies of the env (A2C(..., T=4052), PPO(..., T=4052)).</summary>
    public const int NumEnvs = 8;

    /// <summary>T = 4052 steps per env per rollout.</summary>
    public const int NumSteps = 4052;

    // CategoricalPolicy is one linear layer obs -> logits, DiagonalGaussianPolicy is obs -> 64 ReLU -> mean with a learned
    // log_sigma initialized to 1 (used as a log-variance: std = e^0.5), ValueEstimator is obs -> 64 ReLU -> 1; PyTorch
    // default init; the PPO post sets the last layers to zero. Adam (PyTorch eps 1e-8), no gradient clipping, advantages
    // standardized per rollout, no entropy bonus, the value net fitted separately for train_V_iters = 80 full-batch
    // steps per rollout. Where our learner differs from the seed code on purpose: the estimators cut at episode ends,
    // bootstrap once and bootstrap truncations (DESIGN.md slips 1-3); the seed fits V to the (bootstrapped) discounted
    // returns and then computes GAE with the refitted V, while our learners fit to the estimator's returns.

    /// <summary>The seeds' networks.</summary>
    public static PolicyOptions Policy(bool gaussian, bool zeroInitLastLayers) => new()
    {
        HiddenSizes = [64],
        ActorHiddenSizes = gaussian ? [64] : [],
        CriticHiddenSizes = [64],
        Activation = Activation.Relu,
        OrthogonalInit = false,
        ZeroInitLastLayers = zeroInitLastLayers,
        LogStdInit = gaussian ? 0.5 : 0.0,
    };

    /// <summary>The seeds' shared options: the rollout, Adam at the given rates, the separate 80-step value fit.</summary>
    public static OnPolicyOptions OnPolicy(double gamma, double lambda, double policyLr, double valueLr, bool gaussian, bool zeroInitLastLayers) => new()
    {
        NumEnvs = NumEnvs,
        NumSteps = NumSteps,
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
        Policy = Policy(gaussian, zeroInitLastLayers),
    };
}
