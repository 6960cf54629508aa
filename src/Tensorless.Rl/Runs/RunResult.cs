using Tensorless.Rl.Evaluation;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Runs;

/// <summary>How a training run ended.</summary>
public enum RunStatus
{
    /// <summary>The last 100 training episodes reached the target.</summary>
    Solved,

    /// <summary>The step budget ran out first.</summary>
    BudgetExhausted,

    /// <summary>Stopped early on request (Ctrl+C, a cancellation token, a callback).</summary>
    Interrupted,

    /// <summary>A loss or a parameter became NaN or infinite; a checkpoint saved before it, if any, is intact.</summary>
    Diverged,
}

/// <summary>The outcome of <see cref="TrainingRun.Train"/>.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Progress">Counters and timings.</param>
/// <param name="Evaluation">The final evaluation, or null when skipped or diverged.</param>
/// <param name="OutputDirectory">The run directory.</param>
/// <param name="Error">What diverged, or null.</param>
public sealed record RunResult(RunStatus Status, TrainingProgress Progress, EvaluationResult? Evaluation, string OutputDirectory, string? Error)
{
    /// <summary>
    /// Set when training stayed finite but exploded (value loss past 1e8 or approx KL past 10 in some update): what and
    /// when, as summary.json's <c>warning</c> says it; null for a sane run.
    /// </summary>
    public string? Warning { get; init; }
}
