using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// Advantage actor-critic (A2C) options. Defaults are Stable-Baselines3's <c>A2C</c> (n_steps 5, gamma 0.99,
/// gae_lambda 1.0, ent_coef 0, vf_coef 0.5, max_grad_norm 0.5, RMSprop with lr 7e-4, alpha 0.99, eps 1e-5, no
/// advantage normalization) with rl-baselines3-zoo's 8 environments for CartPole-v1. A2C takes one gradient step on
/// the whole rollout, so it has no options beyond the shared ones.
/// </summary>
public sealed record A2cOptions : IAlgorithmOptions
{
    /// <summary>SB3's A2C defaults of the shared options.</summary>
    public static OnPolicyOptions Defaults { get; } = new()
    {
        NumEnvs = 8,
        NumSteps = 5,
        GaeLambda = 1.0,
        LearningRate = 7e-4,
        Optimizer = OptimizerKind.RmsProp,
        NormalizeAdvantage = false,
    };

    /// <summary>The shared on-policy options. Default <see cref="Defaults"/>.</summary>
    public OnPolicyOptions OnPolicy { get; init; } = Defaults;

    /// <summary>Looks up the options of an A2C preset (<see cref="Presets"/>).</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static A2cOptions Preset(string name) => Presets.Options<A2cOptions>(name);

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
    }
}
