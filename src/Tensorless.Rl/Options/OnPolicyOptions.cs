using Tensorless.Rl.Advantages;

namespace Tensorless.Rl.Options;

/// <summary>
/// What every on-policy learner has, whatever its update: the rollout (envs x steps), the return and advantage
/// estimate, the optimizer and its schedule, gradient clipping, normalisation, the networks, the seed and the threads.
/// Each algorithm's options record composes one of these (<see cref="IAlgorithmOptions.OnPolicy"/>) with its own
/// defaults; the property defaults here are Stable-Baselines3's <c>PPO</c> ones. Each field is checked once, in
/// <see cref="Validate"/>.
/// </summary>
public sealed record OnPolicyOptions
{
    /// <summary>Number of parallel environments N (SB3 <c>n_envs</c>). Default 1.</summary>
    public int NumEnvs { get; init; } = 1;

    /// <summary>Steps per environment per rollout, T (SB3 <c>n_steps</c>). Default 2048.</summary>
    public int NumSteps { get; init; } = 2048;

    /// <summary>Upper bound of <see cref="NumEnvs"/>: every env holds its own state and observation rows.</summary>
    public const int MaxNumEnvs = 65_536;

    /// <summary>
    /// Upper bound of <see cref="RolloutSize"/> (2^24 samples): the rollout buffer holds about a dozen numbers per
    /// sample plus the observations, so a larger rollout would ask for tens of gigabytes.
    /// </summary>
    public const int MaxRolloutSize = 1 << 24;

    /// <summary>Samples per rollout, <c>NumEnvs * NumSteps</c>.</summary>
    public int RolloutSize => NumEnvs * NumSteps;

    /// <summary>Discount factor gamma in [0, 1]. Default 0.99.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda in [0, 1]; 1 makes GAE the Monte Carlo (n-step to rollout end) estimate. Default 0.95.</summary>
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Which advantage estimator fills advantages and returns. Default <see cref="Advantages.AdvantageEstimator.Gae"/>.</summary>
    public AdvantageEstimator AdvantageEstimator { get; init; } = AdvantageEstimator.Gae;

    /// <summary>n of the n-step estimator (used only with <see cref="Advantages.AdvantageEstimator.NStep"/>). Default 5.</summary>
    public int NStep { get; init; } = 5;

    /// <summary>Whether advantages are standardized per (mini)batch. Default true.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

    /// <summary>Entropy bonus coefficient (SB3 <c>ent_coef</c>). Default 0.</summary>
    public double EntCoef { get; init; }

    /// <summary>Value loss coefficient of a joint policy-and-value loss (SB3 <c>vf_coef</c>). Default 0.5.</summary>
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Learning rate (of the policy, and of the value too unless <see cref="ValueLearningRate"/> is set). Default 3e-4.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>How the learning rate decays over training. Default constant.</summary>
    public Schedule LearningRateSchedule { get; init; } = Schedule.Constant;

    /// <summary>Optimizer. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>RMSprop smoothing constant alpha in [0, 1) (used only with RMSprop). Default 0.99.</summary>
    public double RmsPropAlpha { get; init; } = 0.99;

    /// <summary>Optimizer epsilon: 1e-5 as SB3's policies and CleanRL set it (PyTorch's default, used by the seeds, is 1e-8).</summary>
    public double OptimizerEps { get; init; } = 1e-5;

    /// <summary>Global gradient-norm clip (SB3 <c>max_grad_norm</c>); null disables clipping (the seeds). Default 0.5.</summary>
    public double? MaxGradNorm { get; init; } = 0.5;

    /// <summary>
    /// The seeds' variant: when positive, the value network is separate and is fitted on its own for this many
    /// full-batch gradient steps per rollout (the blog's <c>train_V_iters</c>), and the policy loss has no value
    /// term. 0 (default) trains policy and value jointly with <see cref="VfCoef"/>.
    /// </summary>
    public int TrainValueIterations { get; init; }

    /// <summary>Learning rate of the separate value fit; null uses <see cref="LearningRate"/>.</summary>
    public double? ValueLearningRate { get; init; }

    /// <summary>Whether observations pass through an <see cref="Normalization.ObservationNormalizer"/>. Default false.</summary>
    public bool NormalizeObservations { get; init; }

    /// <summary>Whether rewards pass through a <see cref="Normalization.RewardScaler"/>. Default false.</summary>
    public bool NormalizeRewards { get; init; }

    /// <summary>
    /// Threads that share each gradient computation (data-parallel over the rows of a minibatch, see
    /// <c>DataParallelRunner</c>). Results are bit-identical for a given seed and thread count, but differ in the last
    /// bits between thread counts (the gradient is summed in another order). Default 1.
    /// </summary>
    public int Threads { get; init; } = 1;

    /// <summary>Upper bound of <see cref="Threads"/>: each thread holds a replica of the networks and a gradient buffer.</summary>
    public const int MaxThreads = 256;

    /// <summary>Seed of the learner's generator: weights, action sampling, shuffling, and the env resets. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>Network shape and initialization.</summary>
    public PolicyOptions Policy { get; init; } = new();

    /// <summary>Checks every field.</summary>
    /// <exception cref="ArgumentException">A field is invalid; the message names it and its value.</exception>
    public void Validate()
    {
        OptionChecks.AtLeast(NumEnvs, 1, nameof(NumEnvs));
        OptionChecks.AtLeast(NumSteps, 1, nameof(NumSteps));
        OptionChecks.AtMost(NumEnvs, MaxNumEnvs, nameof(NumEnvs));
        if ((long)NumEnvs * NumSteps > MaxRolloutSize)
        {
            throw new ArgumentException($"NumEnvs * NumSteps (the rollout size) must be at most {MaxRolloutSize}; got {NumEnvs} * {NumSteps} = {(long)NumEnvs * NumSteps}.", nameof(NumSteps));
        }

        OptionChecks.UnitInterval(Gamma, nameof(Gamma));
        OptionChecks.UnitInterval(GaeLambda, nameof(GaeLambda));
        OptionChecks.Defined(AdvantageEstimator, nameof(AdvantageEstimator));
        OptionChecks.AtLeast(NStep, 1, nameof(NStep));
        OptionChecks.NonNegative(EntCoef, nameof(EntCoef));
        OptionChecks.NonNegative(VfCoef, nameof(VfCoef));
        OptionChecks.Positive(LearningRate, nameof(LearningRate));
        OptionChecks.Defined(LearningRateSchedule, nameof(LearningRateSchedule));
        OptionChecks.Defined(Optimizer, nameof(Optimizer));
        if (!(RmsPropAlpha >= 0.0 && RmsPropAlpha < 1.0))
        {
            // alpha = 1 would never move the squared-gradient average off zero (RmsProp rejects it too)
            throw new ArgumentException($"RmsPropAlpha must lie in [0, 1); got {OptionChecks.Format(RmsPropAlpha)}.", nameof(RmsPropAlpha));
        }

        OptionChecks.Positive(OptimizerEps, nameof(OptimizerEps));
        if (MaxGradNorm is double clip)
        {
            OptionChecks.Positive(clip, nameof(MaxGradNorm));
        }

        OptionChecks.AtLeast(TrainValueIterations, 0, nameof(TrainValueIterations));
        if (ValueLearningRate is double valueLr)
        {
            OptionChecks.Positive(valueLr, nameof(ValueLearningRate));
        }

        OptionChecks.AtLeast(Threads, 1, nameof(Threads));
        if (Threads > MaxThreads)
        {
            throw new ArgumentException($"Threads must be at most {MaxThreads}; got {Threads}.", nameof(Threads));
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
