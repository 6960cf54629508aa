using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Trust region policy optimization (TRPO) options. Defaults are SB3-contrib's <c>TRPO</c>: n_steps 2048, gamma 0.99,
/// gae_lambda 0.95, normalized advantages, target_kl 0.01, cg_max_steps 15, cg_damping 0.1,
/// line_search_shrinking_factor 0.8, line_search_max_iter 10, n_critic_updates 10 epochs of Adam (lr 1e-3, eps 1e-5,
/// no gradient clipping) over minibatches of batch_size 128; one environment so that a rollout holds 2048 samples.
/// The policy takes one natural-gradient step per rollout on the whole batch; only the critic uses minibatches. The
/// shared <see cref="OnPolicyOptions.LearningRate"/> (and its schedule) is the critic's; <see cref="OnPolicyOptions.VfCoef"/>
/// is unused and <see cref="OnPolicyOptions.MaxGradNorm"/>, when set, clips the critic's gradient.
/// </summary>
public sealed record TrpoOptions : INaturalGradientOptions
{
    /// <summary>SB3-contrib's TRPO defaults of the shared options.</summary>
    public static OnPolicyOptions Defaults { get; } = new() { LearningRate = 1e-3, MaxGradNorm = null };

    /// <summary>The shared on-policy options. Default <see cref="Defaults"/>.</summary>
    public OnPolicyOptions OnPolicy { get; init; } = Defaults;

    /// <summary>
    /// The trust region's radius delta (SB3 <c>target_kl</c>; the paper's max KL): the full step satisfies the quadratic
    /// model <c>(1/2) s^T F s = delta</c> and the line search keeps only a step whose mean KL(pi_old || pi) is at most
    /// delta. Default 0.01.
    /// </summary>
    public double TargetKl { get; init; } = 0.01;

    /// <summary>Conjugate-gradient steps (products with F) per update (SB3 <c>cg_max_steps</c>). Default 15.</summary>
    public int CgMaxSteps { get; init; } = 15;

    /// <summary>
    /// Damping lambda of the Fisher, <c>F + lambda I</c>, in the conjugate-gradient solve and in the step's scale (SB3
    /// <c>cg_damping</c>): it bounds the step along directions the batch barely constrains. Default 0.1.
    /// </summary>
    public double CgDamping { get; init; } = 0.1;

    /// <summary>Backtracking factor alpha in (0, 1): the line search tries alpha^j times the full step (SB3 <c>line_search_shrinking_factor</c>). Default 0.8.</summary>
    public double LineSearchShrinkingFactor { get; init; } = 0.8;

    /// <summary>Steps the line search tries before restoring the old policy (SB3 <c>line_search_max_iter</c>). Default 10.</summary>
    public int LineSearchMaxIter { get; init; } = 10;

    /// <summary>Epochs of the critic's fit per update, each over every minibatch once (SB3 <c>n_critic_updates</c>). Default 10.</summary>
    public int NumCriticUpdates { get; init; } = 10;

    /// <summary>Samples per critic gradient step (SB3 <c>batch_size</c>); must divide the rollout size. Default 128.</summary>
    public int MinibatchSize { get; init; } = 128;

    /// <summary>Looks up the options of a TRPO preset (<see cref="Presets"/>).</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static TrpoOptions Preset(string name) => Presets.Options<TrpoOptions>(name);

    /// <inheritdoc />
    public IAlgorithmOptions WithOnPolicy(OnPolicyOptions onPolicy) => this with { OnPolicy = onPolicy };

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public void Validate()
    {
        NaturalGradientChecks.Validate(this, "TRPO");
        if (!(LineSearchShrinkingFactor > 0.0 && LineSearchShrinkingFactor < 1.0))
        {
            throw new ArgumentException($"LineSearchShrinkingFactor must lie in (0, 1); got {OptionChecks.Format(LineSearchShrinkingFactor)}.", nameof(LineSearchShrinkingFactor));
        }

        OptionChecks.AtLeast(LineSearchMaxIter, 1, nameof(LineSearchMaxIter));
    }
}
