using Tensorless.Rl.Runs;

namespace Tensorless.Rl.Populations;

/// <summary>How one member of a population ended, as its summary.json says.</summary>
/// <param name="Directory">The member's run directory.</param>
/// <param name="Seed">Its seed.</param>
/// <param name="Status">How it ended.</param>
/// <param name="EnvSteps">Env steps it took.</param>
/// <param name="SolvedAtEnvSteps">Env steps when its last-100 return first reached its target, or null.</param>
/// <param name="TrainMeanReturn">Mean return of its last 100 training episodes at the end, or null before any episode ended.</param>
/// <param name="EvalMeanReturn">Mean return of its final evaluation, or null.</param>
/// <param name="Trained">False when a resumed population found it already finished and left it alone.</param>
public sealed record PopulationMemberOutcome(string Directory, ulong Seed, RunStatus Status, long EnvSteps, long? SolvedAtEnvSteps, double? TrainMeanReturn, double? EvalMeanReturn, bool Trained);

/// <summary>The outcome of <see cref="PopulationRun.Train"/>.</summary>
/// <param name="Members">Every member, in the population's order.</param>
/// <param name="WallSeconds">Wall time of this process's training, evaluation and saving.</param>
/// <param name="StepsThisProcess">Env steps taken in this process over all members.</param>
/// <param name="Interrupted">Whether a cancellation stopped it (the interrupted members resume with the population).</param>
public sealed record PopulationResult(IReadOnlyList<PopulationMemberOutcome> Members, double WallSeconds, long StepsThisProcess, bool Interrupted)
{
    /// <summary>Members that solved their env.</summary>
    public int Solved => Members.Count(m => m.Status == RunStatus.Solved);

    /// <summary>Env steps per second of wall time, over all members trained in this process.</summary>
    public double StepsPerSecond => WallSeconds > 0 ? StepsThisProcess / WallSeconds : 0;
}
