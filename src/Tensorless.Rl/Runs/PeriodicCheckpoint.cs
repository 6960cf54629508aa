using System.Diagnostics;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Checkpoints;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Runs;

/// <summary>
/// Saves a checkpoint of the run at most every <c>interval</c> of wall time, so a crash, a Ctrl+C or a diverging update
/// loses little; each save is atomic, so the previous checkpoint stays intact until the new one is complete.
/// </summary>
/// <param name="agent">The agent to save.</param>
/// <param name="directory">The run directory.</param>
/// <param name="interval">Least wall time between two saves.</param>
public sealed class PeriodicCheckpoint(IOnPolicyAlgorithm agent, string directory, TimeSpan interval) : ITrainingCallback
{
    private long _last = Stopwatch.GetTimestamp();

    /// <inheritdoc />
    public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
    {
        if (Stopwatch.GetElapsedTime(_last) >= interval)
        {
            Checkpoint.Save(agent, directory);
            _last = Stopwatch.GetTimestamp();
        }

        return true;
    }
}
