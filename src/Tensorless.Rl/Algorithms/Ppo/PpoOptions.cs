using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Proximal policy optimization (PPO) options. Defaults are Stable-Baselines3's <c>PPO</c> (n_steps 2048,
/// batch_size 64, n_epochs 10, gamma 0.99, gae_lambda 0.95, clip_range 0.2, ent_coef 0, vf_coef 0.5,
/// max_grad_norm 0.5, lr 3e-4, normalized advantages, Adam with eps 1e-5 as SB3's policies and CleanRL set it),
/// with one environment so that a rollout holds SB3's 2048 samples.
/// </summary>
public sealed record PpoOptions : IAlgorithmOptions
{
    /// <summary>The shared on-policy options; PPO's defaults are <see cref="OnPolicyOptions"/>'s own.</summary>
    public OnPolicyOptions OnPolicy { get; init; } = new();

    /// <summary>
    /// Samples per gradient step (SB3 <c>batch_size</c>; CleanRL derives it as rollout / num_minibatches). Must divide
    /// the rollout size so every epoch sees every sample once. Default 64.
    /// </summary>
    public int MinibatchSize { get; init; } = 64;

    /// <summary>Minibatches per epoch, <c>RolloutSize / MinibatchSize</c>.</summary>
    public int NumMinibatches => MinibatchSize == 0 ? 0 : OnPolicy.RolloutSize / MinibatchSize;

    /// <summary>Passes over the rollout per update (SB3 <c>n_epochs</c>). Default 10.</summary>
    public int NumEpochs { get; init; } = 10;

    /// <summary>Which surrogate objective. Default the clipped objective.</summary>
    public PolicyObjective PolicyObjective { get; init; } = PolicyObjective.Clip;

    /// <summary>Clip range epsilon of the probability ratio, in (0, 1). Default 0.2.</summary>
    public double ClipRange { get; init; } = 0.2;

    /// <summary>How the clip range decays over training. Default constant.</summary>
    public Schedule ClipRangeSchedule { get; init; } = Schedule.Constant;

    /// <summary>Clip range of the value prediction around the old value (SB3 <c>clip_range_vf</c>); null disables it. Default null.</summary>
    public double? ClipRangeVf { get; init; }

    /// <summary>
    /// Target KL of the adaptive penalty objective (PPO paper, section 4: 0.01 was best of 0.003, 0.01, 0.03). Used only
    /// with <see cref="PolicyObjective.AdaptiveKlPenalty"/>. Default 0.01.
    /// </summary>
    public double KlPenaltyTarget { get; init; } = 0.01;

    /// <summary>Initial coefficient beta of the adaptive KL penalty (PPO paper: 1). Default 1.</summary>
    public double KlBetaInit { get; init; } = 1.0;

    /// <summary>
    /// Early stop of an update (SB3 <c>target_kl</c>): the remaining minibatches and epochs are skipped once the
    /// approximate KL exceeds <c>TargetKl * TargetKlFactor</c>. Null (default) never stops early.
    /// </summary>
    public double? TargetKl { get; init; }

    /// <summary>Multiplier of <see cref="TargetKl"/> for the early stop: SB3 uses 1.5, CleanRL and the seed 1. Default 1.5.</summary>
    public double TargetKlFactor { get; init; } = 1.5;

    /// <summary>Looks up the options of a PPO preset (<see cref="Presets"/>).</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static PpoOptions Preset(string name) => Presets.Options<PpoOptions>(name);

    /// <inheritdoc />
    public IAlgorithmOptions WithOnPolicy(OnPolicyOptions onPolicy) => this with { OnPolicy = onPolicy };

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public void Validate()
    {
        if (OnPolicy is null)
        {
            throw new ArgumentException("OnPolicy must not be null.", nameof(OnPolicy));
        }

        OnPolicy.Validate();
        int rollout = OnPolicy.RolloutSize;
        OptionChecks.AtLeast(MinibatchSize, 1, nameof(MinibatchSize));
        if (rollout % MinibatchSize != 0)
        {
            throw new ArgumentException(
                $"MinibatchSize = {MinibatchSize} must divide NumEnvs * NumSteps = {OnPolicy.NumEnvs} * {OnPolicy.NumSteps} = {rollout}, so each epoch uses every sample once.",
                nameof(MinibatchSize));
        }

        if (OnPolicy.NormalizeAdvantage && MinibatchSize < 2)
        {
            throw new ArgumentException(
                $"MinibatchSize = {MinibatchSize} with NormalizeAdvantage: the standard deviation of one advantage is undefined; use at least 2.",
                nameof(MinibatchSize));
        }

        OptionChecks.AtLeast(NumEpochs, 1, nameof(NumEpochs));
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

        OptionChecks.Positive(KlPenaltyTarget, nameof(KlPenaltyTarget));
        OptionChecks.Positive(KlBetaInit, nameof(KlBetaInit));
        if (TargetKl is double targetKl)
        {
            OptionChecks.Positive(targetKl, nameof(TargetKl));
        }

        OptionChecks.Positive(TargetKlFactor, nameof(TargetKlFactor));
    }
}
