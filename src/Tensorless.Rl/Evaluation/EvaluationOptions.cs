using Tensorless.Rl.Options;

namespace Tensorless.Rl.Evaluation;

/// <summary>How <see cref="Evaluator"/> runs its episodes.</summary>
public sealed record EvaluationOptions
{
    /// <summary>Number of episodes, at least 1. Default 10 (SB3's <c>n_eval_episodes</c>).</summary>
    public int Episodes { get; init; } = 10;

    /// <summary>Upper bound of <see cref="Episodes"/>: the evaluator keeps every episode's return and length.</summary>
    public const int MaxEpisodes = 1_000_000;

    /// <summary>Take the mode of the action distribution (true, SB3's default) or sample from it.</summary>
    public bool Deterministic { get; init; } = true;

    /// <summary>
    /// Episode i resets the env with seed <c>Seed + i</c>, so a run is reproducible and independent of the training envs'
    /// streams; stochastic actions are drawn from a generator seeded with <c>Seed</c>. Default 0.
    /// </summary>
    public ulong Seed { get; init; }

    /// <summary>An episode whose return is at least this counts as a success; null leaves the success rate undefined.</summary>
    public double? SuccessThreshold { get; init; }

    /// <summary>Cuts episodes after this many steps (the env's own limit applies too); null keeps the env's limit.</summary>
    public int? MaxEpisodeSteps { get; init; }

    /// <summary>Checks every option.</summary>
    /// <exception cref="ArgumentException">An option is out of range; the message names it.</exception>
    public void Validate()
    {
        OptionChecks.AtLeast(Episodes, 1, nameof(Episodes));
        OptionChecks.AtMost(Episodes, MaxEpisodes, nameof(Episodes));
        if (MaxEpisodeSteps is int limit)
        {
            OptionChecks.AtLeast(limit, 1, nameof(MaxEpisodeSteps));
        }

        if (SuccessThreshold is double threshold)
        {
            OptionChecks.Finite(threshold, nameof(SuccessThreshold));
        }
    }
}
