using Tensorless.Autodiff.Nn;

namespace Tensorless.Rl.Options;

/// <summary>
/// Shape and initialization of the actor-critic networks. Defaults are Stable-Baselines3's <c>MlpPolicy</c>:
/// separate 64-64 tanh networks for the policy and the value, orthogonal initialization, log-std 0.
/// </summary>
public sealed record PolicyOptions
{
    /// <summary>
    /// Hidden layer sizes: of the shared trunk when <see cref="SharedTrunk"/> is true, otherwise of both networks
    /// unless <see cref="ActorHiddenSizes"/> or <see cref="CriticHiddenSizes"/> override them. Default [64, 64].
    /// </summary>
    public int[] HiddenSizes { get; init; } = [64, 64];

    /// <summary>
    /// Hidden sizes of the actor (policy) network when it is separate; null uses <see cref="HiddenSizes"/>. Empty
    /// means a linear policy (the seeds' CartPole <c>CategoricalPolicy</c> is a single linear layer).
    /// </summary>
    public int[]? ActorHiddenSizes { get; init; }

    /// <summary>Hidden sizes of the critic (value) network when it is separate; null uses <see cref="HiddenSizes"/>.</summary>
    public int[]? CriticHiddenSizes { get; init; }

    /// <summary>Hidden-layer activation. Default tanh (SB3, CleanRL).</summary>
    public Activation Activation { get; init; } = Activation.Tanh;

    /// <summary>
    /// Whether actor and critic share one trunk (<see cref="HiddenSizes"/>) with a linear head each (the lecture's
    /// architecture). Default false: separate networks, as SB3's MlpPolicy.
    /// </summary>
    public bool SharedTrunk { get; init; }

    /// <summary>
    /// Orthogonal initialization with SB3's gains: sqrt(2) for hidden layers, 0.01 for the policy output, 1 for the
    /// value output, biases 0. False uses PyTorch's default <c>nn.Linear</c> initialization (the seeds). Default true.
    /// </summary>
    public bool OrthogonalInit { get; init; } = true;

    /// <summary>
    /// Whether the last layers of the actor and critic start at zero weights and biases (the PPO seed: "reduces
    /// initial bias in the action distribution or value network"). Default false.
    /// </summary>
    public bool ZeroInitLastLayers { get; init; }

    /// <summary>
    /// Initial log standard deviation of a Gaussian policy (state-independent, learned). SB3 default 0. The seeds'
    /// <c>log_sigma = 1</c> was used as a log-variance (DESIGN.md, slip 4), i.e. std = e^0.5: their presets set 0.5.
    /// </summary>
    public double LogStdInit { get; init; }

    /// <summary>Upper bound of a hidden layer's width.</summary>
    public const int MaxHiddenSize = 65_536;

    /// <summary>
    /// Upper bound of the networks' parameter count (2^27, a gigabyte of doubles before gradients and optimizer
    /// moments): checked before any weight is allocated, so a hostile config cannot exhaust memory or overflow a size.
    /// </summary>
    public const long MaxParameters = 1L << 27;

    /// <summary>The actor's hidden sizes after applying the defaults (the trunk when shared).</summary>
    public IReadOnlyList<int> EffectiveActorHiddenSizes => SharedTrunk ? HiddenSizes : ActorHiddenSizes ?? HiddenSizes;

    /// <summary>The critic's hidden sizes after applying the defaults (the trunk when shared).</summary>
    public IReadOnlyList<int> EffectiveCriticHiddenSizes => SharedTrunk ? HiddenSizes : CriticHiddenSizes ?? HiddenSizes;

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it (as <c>Policy.Name</c>) and its value.</exception>
    public void Validate()
    {
        OptionChecks.Layers(HiddenSizes, "Policy.HiddenSizes", allowEmpty: !SharedTrunk);
        if (ActorHiddenSizes is not null)
        {
            OptionChecks.Layers(ActorHiddenSizes, "Policy.ActorHiddenSizes", allowEmpty: true);
        }

        if (CriticHiddenSizes is not null)
        {
            OptionChecks.Layers(CriticHiddenSizes, "Policy.CriticHiddenSizes", allowEmpty: true);
        }

        if (SharedTrunk && (ActorHiddenSizes is not null || CriticHiddenSizes is not null))
        {
            throw new ArgumentException(
                "Policy.ActorHiddenSizes and Policy.CriticHiddenSizes must be null when Policy.SharedTrunk is true (the trunk is Policy.HiddenSizes).",
                SharedTrunk && ActorHiddenSizes is not null ? "Policy.ActorHiddenSizes" : "Policy.CriticHiddenSizes");
        }

        // The hidden-to-hidden weights alone (the observation and action sizes come later, in ParameterCount).
        long hidden = HiddenWeights(EffectiveActorHiddenSizes) + (SharedTrunk ? 0 : HiddenWeights(EffectiveCriticHiddenSizes));
        if (hidden > MaxParameters)
        {
            throw new ArgumentException($"Policy hidden sizes need {hidden} weights between hidden layers; the limit is {MaxParameters}.", "Policy.HiddenSizes");
        }

        OptionChecks.Defined(Activation, "Policy.Activation");
        OptionChecks.Finite(LogStdInit, "Policy.LogStdInit");
    }

    /// <summary>
    /// The number of scalar parameters the actor-critic built from these options has, computed without allocating:
    /// weights and biases of every layer plus the Gaussian head's log-std. Valid options keep it far from overflow.
    /// </summary>
    /// <param name="observationSize">Flat observation size.</param>
    /// <param name="headSize">Width of the actor's output (category count or Gaussian dimension).</param>
    /// <param name="gaussian">Whether the head is Gaussian (adds <paramref name="headSize"/> log-std parameters).</param>
    public long ParameterCount(int observationSize, int headSize, bool gaussian)
    {
        long count = gaussian ? headSize : 0;
        if (SharedTrunk)
        {
            int width = HiddenSizes.Length > 0 ? HiddenSizes[^1] : observationSize;
            return count + Dense([observationSize, .. HiddenSizes]) + Dense([width, headSize]) + Dense([width, 1]);
        }

        return count + Dense([observationSize, .. EffectiveActorHiddenSizes, headSize]) + Dense([observationSize, .. EffectiveCriticHiddenSizes, 1]);
    }

    private static long Dense(IReadOnlyList<int> sizes)
    {
        long count = 0;
        for (int i = 1; i < sizes.Count; i++)
        {
            count += ((long)sizes[i - 1] + 1) * sizes[i];
        }

        return count;
    }

    private static long HiddenWeights(IReadOnlyList<int>? sizes)
    {
        long count = 0;
        for (int i = 1; sizes is not null && i < sizes.Count; i++)
        {
            count += (long)sizes[i - 1] * sizes[i];
        }

        return count;
    }
}
