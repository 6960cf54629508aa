namespace Tensorless.Rl;

/// <summary>
/// Advantage actor-critic (A2C) options. Defaults are Stable-Baselines3's <c>A2C</c> (n_steps 5, gamma 0.99,
/// gae_lambda 1.0, ent_coef 0, vf_coef 0.5, max_grad_norm 0.5, RMSprop with lr 7e-4, alpha 0.99, eps 1e-5, no
/// advantage normalization) with rl-baselines3-zoo's 8 environments for CartPole-v1.
/// </summary>
public sealed record A2cOptions
{
    /// <summary>Number of parallel environments N. Default 8 (rl-zoo <c>a2c.yml</c>, CartPole-v1).</summary>
    public int NumEnvs { get; init; } = 8;

    /// <summary>Steps per environment per update, T (SB3 <c>n_steps</c>). Default 5.</summary>
    public int NumSteps { get; init; } = 5;

    /// <summary>Samples per update, <c>NumEnvs * NumSteps</c>; A2C takes one gradient step on all of them.</summary>
    public int BatchSize => NumEnvs * NumSteps;

    /// <summary>Discount factor gamma in [0, 1]. Default 0.99.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda in [0, 1]; SB3's A2C default 1.0 makes GAE the Monte Carlo (n-step to rollout end) estimate.</summary>
    public double GaeLambda { get; init; } = 1.0;

    /// <summary>Which advantage estimator fills advantages and returns. Default <see cref="Rl.AdvantageEstimator.Gae"/>.</summary>
    public AdvantageEstimator AdvantageEstimator { get; init; } = AdvantageEstimator.Gae;

    /// <summary>n of the n-step estimator (used only with <see cref="Rl.AdvantageEstimator.NStep"/>). Default 5.</summary>
    public int NStep { get; init; } = 5;

    /// <summary>Entropy bonus coefficient (SB3 <c>ent_coef</c>). Default 0.</summary>
    public double EntCoef { get; init; }

    /// <summary>Value loss coefficient in the joint loss (SB3 <c>vf_coef</c>). Default 0.5.</summary>
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Global gradient-norm clip (SB3 <c>max_grad_norm</c>); null disables clipping (the seeds). Default 0.5.</summary>
    public double? MaxGradNorm { get; init; } = 0.5;

    /// <summary>Learning rate (of the policy, and of the value too unless <see cref="ValueLearningRate"/> is set). Default 7e-4.</summary>
    public double LearningRate { get; init; } = 7e-4;

    /// <summary>How the learning rate decays over training. Default constant.</summary>
    public Schedule LearningRateSchedule { get; init; } = Schedule.Constant;

    /// <summary>Optimizer. Default RMSprop (SB3 <c>use_rms_prop=True</c>).</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.RmsProp;

    /// <summary>RMSprop smoothing constant alpha. Default 0.99.</summary>
    public double RmsPropAlpha { get; init; } = 0.99;

    /// <summary>Optimizer epsilon (SB3 <c>rms_prop_eps</c> 1e-5; PyTorch's Adam default, used by the seeds, is 1e-8). Default 1e-5.</summary>
    public double OptimizerEps { get; init; } = 1e-5;

    /// <summary>Whether advantages are standardized per batch. Default false (SB3 A2C).</summary>
    public bool NormalizeAdvantage { get; init; }

    /// <summary>
    /// The seeds' variant: when positive, the value network is separate and is fitted on its own for this many
    /// full-batch gradient steps per rollout (the blog's <c>train_V_iters</c>), and the policy loss has no value
    /// term. 0 (default) trains policy and value jointly with <see cref="VfCoef"/>.
    /// </summary>
    public int TrainValueIterations { get; init; }

    /// <summary>Learning rate of the separate value fit; null uses <see cref="LearningRate"/>.</summary>
    public double? ValueLearningRate { get; init; }

    /// <summary>Whether observations pass through an <see cref="ObservationNormalizer"/>. Default false.</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Whether rewards pass through a <see cref="RewardScaler"/>. Default false.</summary>
    public bool NormalizeRewards { get; init; }

    /// <summary>
    /// Threads that share each gradient computation (data-parallel over the rows of a minibatch, see
    /// <c>DataParallelRunner</c>). Results are bit-identical for a given seed and thread count, but differ in the last bits
    /// between thread counts (the gradient is summed in another order). Default 1.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Seed of the learner's random number generator (and of the env unless given separately). Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Network shape and initialization.</summary>
    public PolicyOptions Policy { get; init; } = new();

    /// <summary>Looks up the options of an A2C preset in <see cref="Presets"/>.</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static A2cOptions Preset(string name) =>
        Presets.Get(name).A2c ?? throw new ArgumentException($"Preset '{name}' is not an A2C preset.", nameof(name));

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public void Validate()
    {
        OptionChecks.AtLeast(NumEnvs, 1, nameof(NumEnvs));
        OptionChecks.AtLeast(Threads, 1, nameof(Threads));
        OptionChecks.AtLeast(NumSteps, 1, nameof(NumSteps));
        OptionChecks.AtLeast((long)NumEnvs * NumSteps, 1, nameof(BatchSize));
        if ((long)NumEnvs * NumSteps > int.MaxValue)
        {
            throw new ArgumentException($"NumEnvs * NumSteps must fit an int; got {(long)NumEnvs * NumSteps}.", nameof(BatchSize));
        }

        OptionChecks.UnitInterval(Gamma, nameof(Gamma));
        OptionChecks.UnitInterval(GaeLambda, nameof(GaeLambda));
        OptionChecks.Defined(AdvantageEstimator, nameof(AdvantageEstimator));
        OptionChecks.AtLeast(NStep, 1, nameof(NStep));
        OptionChecks.NonNegative(EntCoef, nameof(EntCoef));
        OptionChecks.NonNegative(VfCoef, nameof(VfCoef));
        if (MaxGradNorm is double clip)
        {
            OptionChecks.Positive(clip, nameof(MaxGradNorm));
        }

        OptionChecks.Positive(LearningRate, nameof(LearningRate));
        OptionChecks.Defined(LearningRateSchedule, nameof(LearningRateSchedule));
        OptionChecks.Defined(Optimizer, nameof(Optimizer));
        OptionChecks.UnitInterval(RmsPropAlpha, nameof(RmsPropAlpha));
        OptionChecks.Positive(OptimizerEps, nameof(OptimizerEps));
        OptionChecks.AtLeast(TrainValueIterations, 0, nameof(TrainValueIterations));
        if (ValueLearningRate is double valueLr)
        {
            OptionChecks.Positive(valueLr, nameof(ValueLearningRate));
        }

        if (Policy is null)
        {
            throw new ArgumentException("Policy must not be null.", nameof(Policy));
        }

        Policy.Validate();
        if (TrainValueIterations > 0 && Policy.SharedTrunk)
        {
            throw new ArgumentException(
                $"TrainValueIterations = {TrainValueIterations} fits a separate value network, so Policy.SharedTrunk must be false.",
                nameof(TrainValueIterations));
        }
    }
}
