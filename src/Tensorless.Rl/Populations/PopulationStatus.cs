namespace Tensorless.Rl.Populations;

/// <summary>Where a population stands after a lockstep tick: what its live display shows.</summary>
/// <param name="Members">Members trained in this process.</param>
/// <param name="Training">Members still training.</param>
/// <param name="Solved">Members whose last 100 training episodes reached their target.</param>
/// <param name="Diverged">Members stopped by a NaN or infinite loss or parameter.</param>
/// <param name="EnvSteps">Env steps over all members, this process and earlier ones.</param>
/// <param name="StepsThisProcess">Env steps taken in this process (the rate's numerator).</param>
/// <param name="WallSeconds">Wall time of this process's training so far.</param>
/// <param name="ReturnMean">Mean over members of their last-100 training return (members with an episode yet), or NaN.</param>
/// <param name="ReturnStd">Population standard deviation of the same, or NaN.</param>
/// <param name="ReturnMin">Lowest member's last-100 return, or NaN.</param>
/// <param name="ReturnMax">Highest member's last-100 return, or NaN.</param>
public sealed record PopulationStatus(
    int Members,
    int Training,
    int Solved,
    int Diverged,
    long EnvSteps,
    long StepsThisProcess,
    double WallSeconds,
    double ReturnMean,
    double ReturnStd,
    double ReturnMin,
    double ReturnMax)
{
    /// <summary>Env steps per second of wall time over all members, in this process.</summary>
    public double StepsPerSecond => WallSeconds > 0 ? StepsThisProcess / WallSeconds : 0;
}
