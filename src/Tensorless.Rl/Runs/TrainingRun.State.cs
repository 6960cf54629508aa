using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Runs;

/// <summary>What a stepwise run carries between its calls (<see cref="TrainingRun.BeginTraining"/> to <see cref="TrainingRun.FinishTraining"/>).</summary>
public sealed partial class TrainingRun
{
    /// <summary>What a started run carries between <see cref="BeginTraining"/> and <see cref="FinishTraining"/>.</summary>
    private sealed class TrainingState(MetricsFileCallback metrics, CancellationCallback cancel, ExplosionWatch explosion)
    {
        public MetricsFileCallback Metrics { get; } = metrics;

        public CancellationCallback Cancel { get; } = cancel;

        public ExplosionWatch Explosion { get; } = explosion;

        public TrainingDivergedException? Diverged { get; set; }

        public bool Done { get; set; }
    }

    /// <summary>Turns a cancellation token into a stop after the current update.</summary>
    private sealed class CancellationCallback(CancellationToken token) : ITrainingCallback
    {
        public bool Stopped { get; private set; }

        public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
        {
            Stopped |= token.IsCancellationRequested;
            return !Stopped;
        }
    }
}
