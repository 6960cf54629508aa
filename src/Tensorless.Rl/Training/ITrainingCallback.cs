using Tensorless.Rl.Metrics;

namespace Tensorless.Rl.Training;

/// <summary>
/// Hooks into the training loop (SB3's BaseCallback): called once before the first rollout, after every update with that
/// update's metrics, and once at the end. Returning false from <see cref="OnUpdate"/> stops training.
/// </summary>
public interface ITrainingCallback
{
    /// <summary>Called before the first rollout of a <c>Learn</c> call.</summary>
    void OnTrainingStart(TrainingProgress progress)
    {
    }

    /// <summary>Called after every update; return false to stop training.</summary>
    bool OnUpdate(TrainingProgress progress, MetricsRecord metrics);

    /// <summary>Called once when training ends, whatever the reason.</summary>
    void OnTrainingEnd(TrainingProgress progress)
    {
    }
}
