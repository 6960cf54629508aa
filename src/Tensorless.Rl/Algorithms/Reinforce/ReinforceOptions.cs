using Tensorless.Rl.Advantages;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// REINFORCE options (Williams 1992). There is no SB3 or CleanRL REINFORCE to take defaults from, so the defaults are
/// the textbook form, "REINFORCE with baseline" (Sutton and Barto, 2nd ed., section 13.4) with reward-to-go as Spinning
/// Up's VPG computes it: a learned value baseline trained jointly (<see cref="OnPolicyOptions.VfCoef"/> 0.5), Monte
/// Carlo returns, advantages standardised per rollout, Adam at 1e-3, no entropy bonus and no gradient clipping (the
/// paper's plain gradient step), 8 envs x 500 steps so a whole CartPole-v1 episode fits in one env's rollout.
/// </summary>
public sealed record ReinforceOptions : IAlgorithmOptions
{
    /// <summary>REINFORCE's defaults of the shared options (see the type's summary).</summary>
    public static OnPolicyOptions Defaults { get; } = new()
    {
        NumEnvs = 8,
        NumSteps = 500,
        Gamma = 0.99,
        GaeLambda = 1.0,
        AdvantageEstimator = AdvantageEstimator.MonteCarlo,
        NormalizeAdvantage = true,
        LearningRate = 1e-3,
        MaxGradNorm = null,
    };

    /// <summary>
    /// The shared on-policy options. Default <see cref="Defaults"/>. <see cref="OnPolicyOptions.AdvantageEstimator"/>
    /// must be <see cref="AdvantageEstimator.MonteCarlo"/> (REINFORCE's returns are Monte Carlo by definition, and the
    /// critic's targets in the buffer come from that estimator); <see cref="OnPolicyOptions.GaeLambda"/> and
    /// <see cref="OnPolicyOptions.NStep"/> are unused.
    /// </summary>
    public OnPolicyOptions OnPolicy { get; init; } = Defaults;

    /// <summary>
    /// Whether a learned state-value baseline b(s_t) = V(s_t) is subtracted from the return (Williams' reinforcement
    /// baseline, learned as in Sutton and Barto 13.4). With it the critic also bootstraps the episode ends the rollout
    /// cannot see (time limits and the rollout end); without it <see cref="OnPolicyOptions.VfCoef"/> is unused and the
    /// critic is never trained. Default true.
    /// </summary>
    public bool Baseline { get; init; } = true;

    /// <summary>
    /// Whether step t is weighted by the reward-to-go <c>G_t = sum_{k&gt;=t} gamma^(k-t) r_k</c> (true, the usual
    /// lower-variance form: rewards before t do not depend on a_t) or by the whole episode's discounted return
    /// <c>R = sum_k gamma^k r_k</c>, the same for every step of the episode (false, Williams' original estimator).
    /// Default true.
    /// </summary>
    public bool RewardToGo { get; init; } = true;

    /// <summary>Looks up the options of a REINFORCE preset (<see cref="Presets"/>).</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static ReinforceOptions Preset(string name) => Presets.Options<ReinforceOptions>(name);

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
        if (OnPolicy.AdvantageEstimator != AdvantageEstimator.MonteCarlo)
        {
            throw new ArgumentException(
                $"AdvantageEstimator must be MonteCarlo for REINFORCE (its returns are Monte Carlo); got {OnPolicy.AdvantageEstimator}.",
                nameof(OnPolicyOptions.AdvantageEstimator));
        }

        if (!Baseline && OnPolicy.TrainValueIterations > 0)
        {
            throw new ArgumentException(
                $"TrainValueIterations = {OnPolicy.TrainValueIterations} fits a value network, but Baseline is false, so there is none to fit.",
                nameof(OnPolicyOptions.TrainValueIterations));
        }

        if (!Baseline && OnPolicy.ValueLearningRate is double valueLr)
        {
            throw new ArgumentException(
                $"ValueLearningRate = {OptionChecks.Format(valueLr)} sets the critic's rate, but Baseline is false, so there is no critic to train.",
                nameof(OnPolicyOptions.ValueLearningRate));
        }
    }
}
