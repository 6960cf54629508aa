namespace Tensorless.Rl.Options;

/// <summary>Evaluates a <see cref="Schedule"/>.</summary>
public static class ScheduleExtensions
{
    /// <summary>
    /// The scheduled value at <paramref name="progressRemaining"/> (SB3's convention: 1 at the start of training,
    /// 0 at the end): <c>initial</c>, <c>initial * p</c>, or <c>initial * (1 + cos(pi * (1 - p))) / 2</c>.
    /// </summary>
    /// <param name="schedule">The schedule.</param>
    /// <param name="initial">Value at the start of training.</param>
    /// <param name="progressRemaining">Fraction of training left, clamped to [0, 1].</param>
    /// <returns>The value.</returns>
    /// <exception cref="ArgumentException"><paramref name="schedule"/> is not defined.</exception>
    public static double Evaluate(this Schedule schedule, double initial, double progressRemaining)
    {
        double p = Math.Clamp(progressRemaining, 0.0, 1.0);
        return schedule switch
        {
            Schedule.Constant => initial,
            Schedule.Linear => initial * p,
            Schedule.Cosine => initial * 0.5 * (1.0 + Math.Cos(Math.PI * (1.0 - p))),
            _ => throw new ArgumentException($"Unknown schedule {schedule}.", nameof(schedule)),
        };
    }
}
