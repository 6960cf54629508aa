namespace Tensorless.Rl;

/// <summary>
/// Proximal policy optimization (PPO) options. Defaults are Stable-Baselines3's <c>PPO</c> (n_steps 2048,
/// batch_size 64, n_epochs 10, gamma 0.99, gae_lambda 0.95, clip_range 0.2, ent_coef 0, vf_coef 0.5,
/// max_grad_norm 0.5, lr 3e-4, normalized advantages, Adam with eps 1e-5 as SB3's policies and CleanRL set it),
/// with one environment so that a rollout holds SB3's 2048 samples.
/// </summary>
public sealed record PpoOptions
{
    /// <summary>Number of parallel environments N. Default 1 (so a rollout is SB3's 2048 samples).</summary>
    public int NumEnvs { get; init; } = 1;

    /// <summary>Steps per environment per rollout, T (SB3 <c>n_steps</c>). Default 2048.</summary>
    public int NumSteps { get; init; } = 2048;

    /// <summary>Samples per rollout, <c>NumEnvs * NumSteps</c>.</summary>
    public int RolloutSize => NumEnvs * NumSteps;

    /// <summary>
    /// Minibatch size (SB3 <c>batch_size</c>; CleanRL derives it as rollout / num_minibatches). Must divide
    /// <see cref="RolloutSize"/> so every epoch sees every sample once. Default 64.
    /// </summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Minibatches per epoch, <c>RolloutSize / BatchSize</c>.</summary>
    public int NumMinibatches => BatchSize == 0 ? 0 : RolloutSize / BatchSize;

    /// <summary>Passes over the rollout per update (SB3 <c>n_epochs</c>). Default 10.</summary>
    public int NumEpochs { get; init; } = 10;

    /// <summary>Discount factor gamma in [0, 1]. Default 0.99.</summary>
    public double Gamma { get; init; } = 0.99;

    /// <summary>GAE lambda in [0, 1]. Default 0.95.</summary>
    public double GaeLambda { get; init; } = 0.95;

    /// <summary>Which advantage estimator fills advantages and returns. Default <see cref="Rl.AdvantageEstimator.Gae"/>.</summary>
    public AdvantageEstimator AdvantageEstimator { get; init; } = AdvantageEstimator.Gae;

    /// <summary>n of the n-step estimator (used only with <see cref="Rl.AdvantageEstimator.NStep"/>). Default 5.</summary>
    public int NStep { get; init; } = 5;

    /// <summary>Which surrogate objective. Default the clipped objective.</summary>
    public PolicyObjective PolicyObjective { get; init; } = PolicyObjective.Clip;

    /// <summary>Clip range epsilon of the probability ratio, in (0, 1). Default 0.2.</summary>
    public double ClipRange { get; init; } = 0.2;

    /// <summary>How the clip range decays over training. Default constant.</summary>
    public Schedule ClipRangeSchedule { get; init; } = Schedule.Constant;

    /// <summary>Clip range of the value prediction around the old value (SB3 <c>clip_range_vf</c>); null disables it. Default null.</summary>
    public double? ClipRangeVf { get; init; }

    /// <summary>Target KL of the adaptive penalty (PPO paper: 0.01 was best of 0.003, 0.01, 0.03). Default 0.01.</summary>
    public double KlTarget { get; init; } = 0.01;

    /// <summary>Initial coefficient beta of the adaptive KL penalty (PPO paper: 1). Default 1.</summary>
    public double KlBetaInit { get; init; } = 1.0;

    /// <summary>
    /// Early stop of an update: the remaining minibatches and epochs are skipped once the approximate KL exceeds
    /// <c>TargetKl * TargetKlFactor</c>. Null (default) never stops early.
    /// </summary>
    public double? TargetKl { get; init; }

    /// <summary>Multiplier of <see cref="TargetKl"/> for the early stop: SB3 uses 1.5, CleanRL and the seed 1. Default 1.5.</summary>
    public double TargetKlFactor { get; init; } = 1.5;

    /// <summary>Entropy bonus coefficient (SB3 <c>ent_coef</c>). Default 0.</summary>
    public double EntCoef { get; init; }

    /// <summary>Value loss coefficient in the joint loss (SB3 <c>vf_coef</c>). Default 0.5.</summary>
    public double VfCoef { get; init; } = 0.5;

    /// <summary>Global gradient-norm clip (SB3 <c>max_grad_norm</c>); null disables clipping (the seeds). Default 0.5.</summary>
    public double? MaxGradNorm { get; init; } = 0.5;

    /// <summary>Learning rate (of the policy, and of the value too unless <see cref="ValueLearningRate"/> is set). Default 3e-4.</summary>
    public double LearningRate { get; init; } = 3e-4;

    /// <summary>How the learning rate decays over training. Default constant.</summary>
    public Schedule LearningRateSchedule { get; init; } = Schedule.Constant;

    /// <summary>Optimizer. Default Adam.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>RMSprop smoothing constant alpha (used only with RMSprop). Default 0.99.</summary>
    public double RmsPropAlpha { get; init; } = 0.99;

    /// <summary>Optimizer epsilon: 1e-5 as SB3's ActorCriticPolicy and CleanRL set for Adam (PyTorch's default, used by the seeds, is 1e-8).</summary>
    public double OptimizerEps { get; init; } = 1e-5;

    /// <summary>Whether advantages are standardized per minibatch. Default true.</summary>
    public bool NormalizeAdvantage { get; init; } = true;

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

    /// <summary>Looks up the options of a PPO preset in <see cref="Presets"/>.</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static PpoOptions Preset(string name) =>
        Presets.Get(name).Ppo ?? throw new ArgumentException($"Preset '{name}' is not a PPO preset.", nameof(name));

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public void Validate()
    {
        OptionChecks.AtLeast(NumEnvs, 1, nameof(NumEnvs));
        OptionChecks.AtLeast(Threads, 1, nameof(Threads));
        OptionChecks.AtLeast(NumSteps, 1, nameof(NumSteps));
        if ((long)NumEnvs * NumSteps > int.MaxValue)
        {
            throw new ArgumentException($"NumEnvs * NumSteps must fit an int; got {(long)NumEnvs * NumSteps}.", nameof(NumSteps));
        }

        OptionChecks.AtLeast(BatchSize, 1, nameof(BatchSize));
        if (RolloutSize % BatchSize != 0)
        {
            throw new ArgumentException(
                $"BatchSize = {BatchSize} must divide NumEnvs * NumSteps = {NumEnvs} * {NumSteps} = {RolloutSize}, so each epoch uses every sample once.",
                nameof(BatchSize));
        }

        if (NormalizeAdvantage && BatchSize < 2)
        {
            throw new ArgumentException(
                $"BatchSize = {BatchSize} with NormalizeAdvantage: the standard deviation of one advantage is undefined; use at least 2.",
                nameof(BatchSize));
        }

        OptionChecks.AtLeast(NumEpochs, 1, nameof(NumEpochs));
        OptionChecks.UnitInterval(Gamma, nameof(Gamma));
        OptionChecks.UnitInterval(GaeLambda, nameof(GaeLambda));
        OptionChecks.Defined(AdvantageEstimator, nameof(AdvantageEstimator));
        OptionChecks.AtLeast(NStep, 1, nameof(NStep));
        OptionChecks.Defined(PolicyObjective, nameof(PolicyObjective));
        if (!(ClipRange > 0.0 && ClipRange < 1.0))
        {
            throw new ArgumentException($"ClipRange must lie in (0, 1); got {OptionChecks.Format(ClipRange)}.", nameof(ClipRange));
        }

        OptionChecks.Defined(ClipRangeSchedule, nameof(ClipRangeSchedule));
        if (ClipRangeVf is double clipVf)
        {
            OptionChecks.Positive(clipVf, nameof(ClipRangeVf));
        }

        OptionChecks.Positive(KlTarget, nameof(KlTarget));
        OptionChecks.Positive(KlBetaInit, nameof(KlBetaInit));
        if (TargetKl is double targetKl)
        {
            OptionChecks.Positive(targetKl, nameof(TargetKl));
        }

        OptionChecks.Positive(TargetKlFactor, nameof(TargetKlFactor));
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
