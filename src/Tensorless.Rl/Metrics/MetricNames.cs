namespace Tensorless.Rl.Metrics;

/// <summary>
/// The standard metric names, in the order <see cref="MetricsRecord.CreateStandard"/> lays them out (the order of
/// the CSV columns). Names follow SB3's logger keys without their prefixes, in snake_case.
/// </summary>
public static class MetricNames
{
    /// <summary>Update (iteration) number, 1-based.</summary>
    public const string Update = "update";

    /// <summary>Environment steps so far, summed over environments.</summary>
    public const string EnvSteps = "env_steps";

    /// <summary>Wall-clock seconds since training started.</summary>
    public const string WallSeconds = "wall_seconds";

    /// <summary>Seconds spent collecting this update's rollout.</summary>
    public const string RolloutSeconds = "rollout_seconds";

    /// <summary>Seconds spent in this update's gradient steps.</summary>
    public const string UpdateSeconds = "update_seconds";

    /// <summary>Environment steps per second over this update (rollout and learning).</summary>
    public const string StepsPerSecond = "steps_per_second";

    /// <summary>Mean undiscounted return of the last 100 finished episodes (raw rewards).</summary>
    public const string EpisodeReturnMean = "episode_return_mean";

    /// <summary>Mean length of the last 100 finished episodes.</summary>
    public const string EpisodeLengthMean = "episode_length_mean";

    /// <summary>Number of episodes finished so far.</summary>
    public const string Episodes = "episodes";

    /// <summary>Policy (surrogate) loss, mean over the update's gradient steps.</summary>
    public const string PolicyLoss = "policy_loss";

    /// <summary>Value loss, mean over the update's gradient steps.</summary>
    public const string ValueLoss = "value_loss";

    /// <summary>Mean policy entropy.</summary>
    public const string Entropy = "entropy";

    /// <summary>Approximate KL divergence between the old and new policy ((r - 1) - log r estimator, as CleanRL/SB3).</summary>
    public const string ApproxKl = "approx_kl";

    /// <summary>Fraction of samples whose probability ratio was clipped.</summary>
    public const string ClipFraction = "clip_fraction";

    /// <summary>Explained variance of the rollout's values against its returns.</summary>
    public const string ExplainedVariance = "explained_variance";

    /// <summary>Learning rate used in this update.</summary>
    public const string LearningRate = "learning_rate";

    /// <summary>The standard names, in column order.</summary>
    public static IReadOnlyList<string> Standard { get; } =
    [
        Update, EnvSteps, WallSeconds, RolloutSeconds, UpdateSeconds, StepsPerSecond, EpisodeReturnMean,
        EpisodeLengthMean, Episodes, PolicyLoss, ValueLoss, Entropy, ApproxKl, ClipFraction, ExplainedVariance,
        LearningRate,
    ];
}
