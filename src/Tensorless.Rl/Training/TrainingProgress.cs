using Tensorless.Rl.Metrics;

namespace Tensorless.Rl.Training;

/// <summary>Where a training run stands; handed to callbacks. Live view: values change as training goes on.</summary>
public sealed class TrainingProgress
{
    internal TrainingProgress(EpisodeStatistics episodes) => Episodes = episodes;

    /// <summary>Env steps taken so far, summed over all envs.</summary>
    public long EnvSteps { get; internal set; }

    /// <summary>The step budget of the current <c>Learn</c> call.</summary>
    public long TotalSteps { get; internal set; }

    /// <summary>Updates (rollout + optimisation rounds) done so far.</summary>
    public int Updates { get; internal set; }

    /// <summary>Wall time of training so far, in seconds.</summary>
    public double WallSeconds { get; internal set; }

    /// <summary>Seconds spent collecting rollouts.</summary>
    public double RolloutSeconds { get; internal set; }

    /// <summary>Seconds spent in updates (forward, backward, optimizer).</summary>
    public double UpdateSeconds { get; internal set; }

    /// <summary>Finished training episodes: mean of the last 100, history.</summary>
    public EpisodeStatistics Episodes { get; }

    /// <summary>Mean return of the last 100 finished training episodes (NaN before the first).</summary>
    public double MeanReturn => Episodes.MeanReturn;

    /// <summary>Env steps at which a <see cref="StopOnReward"/> criterion was first met, or null.</summary>
    public long? SolvedAtEnvSteps { get; internal set; }

    /// <summary>Wall seconds at which a <see cref="StopOnReward"/> criterion was first met, or null.</summary>
    public double? SolvedAtSeconds { get; internal set; }

    /// <summary>
    /// Records that the target was reached now (first time only). <see cref="StopOnReward"/> calls it; so does a stop
    /// rule of its own, such as data-parallel training's, which pools the episodes of every rank (issue 14).
    /// </summary>
    public void MarkSolved()
    {
        SolvedAtEnvSteps ??= EnvSteps;
        SolvedAtSeconds ??= WallSeconds;
    }
}
