using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Natural policy gradient (NPG) options: TRPO's (<see cref="TrpoOptions"/>, SB3-contrib's defaults) without the line
/// search. NPG (Kakade 2002) steps along <c>F^-1 g</c> with the normalised step size of Rajeswaran et al. (2017,
/// "Towards Generalization and Simplicity in Continuous Control") and garage's NPG: the step is scaled to the KL radius
/// of the quadratic model, <c>sqrt(2 delta / x^T F x) x</c>, and taken as it is, whatever the true KL and surrogate.
/// </summary>
public sealed record NpgOptions : INaturalGradientOptions
{
    /// <summary>The shared on-policy options. Default <see cref="TrpoOptions.Defaults"/>.</summary>
    public OnPolicyOptions OnPolicy { get; init; } = TrpoOptions.Defaults;

    /// <summary>
    /// The normalised step size delta: each step moves the policy by <c>(1/2) s^T F s = delta</c> under the quadratic model
    /// of the KL (not checked on the true KL). Default 0.01.
    /// </summary>
    public double TargetKl { get; init; } = 0.01;

    /// <summary>Conjugate-gradient steps (products with F) per update. Default 15.</summary>
    public int CgMaxSteps { get; init; } = 15;

    /// <summary>Damping lambda of the Fisher, <c>F + lambda I</c>, in the solve and in the step's scale. Default 0.1.</summary>
    public double CgDamping { get; init; } = 0.1;

    /// <summary>Epochs of the critic's fit per update, each over every minibatch once. Default 10.</summary>
    public int NumCriticUpdates { get; init; } = 10;

    /// <summary>Samples per critic gradient step; must divide the rollout size. Default 128.</summary>
    public int MinibatchSize { get; init; } = 128;

    /// <summary>Looks up the options of an NPG preset (<see cref="Presets"/>).</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static NpgOptions Preset(string name) => Presets.Options<NpgOptions>(name);

    /// <inheritdoc />
    public IAlgorithmOptions WithOnPolicy(OnPolicyOptions onPolicy) => this with { OnPolicy = onPolicy };

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public void Validate() => NaturalGradientChecks.Validate(this, "NPG");
}
