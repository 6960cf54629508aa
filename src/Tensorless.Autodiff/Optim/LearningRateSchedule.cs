namespace Tensorless.Autodiff.Optim;

/// <summary>
/// A value (usually the learning rate, or PPO's clip range) as a function of training progress, following SB3's
/// convention: the argument is <c>progress_remaining</c>, 1 at the start of training and 0 at the end (SB3 computes it
/// as 1 - steps_done / total_steps; <see cref="ProgressRemaining"/> does the same). CleanRL's annealing,
/// <c>frac = 1 - (update - 1) / num_updates; lr = frac * lr0</c>, is <c>Linear(lr0, 0)</c> at progress_remaining = frac.
/// </summary>
public sealed class LearningRateSchedule
{
    private LearningRateSchedule(ScheduleKind kind, double initial, double final, double endFraction)
    {
        Check(initial, nameof(initial));
        Check(final, nameof(final));
        if (!(endFraction > 0 && endFraction <= 1))
        {
            throw new ArgumentException($"endFraction must be in (0, 1], got {endFraction}.", nameof(endFraction));
        }

        Kind = kind;
        Initial = initial;
        Final = final;
        EndFraction = endFraction;
    }

    /// <summary>The shape of the curve.</summary>
    public ScheduleKind Kind { get; }

    /// <summary>Value at the start (progress remaining 1).</summary>
    public double Initial { get; }

    /// <summary>Value at the end of the decay.</summary>
    public double Final { get; }

    /// <summary>Fraction of training over which the value moves from <see cref="Initial"/> to <see cref="Final"/>; it stays at <see cref="Final"/> after.</summary>
    public double EndFraction { get; }

    /// <summary>The same value throughout.</summary>
    /// <exception cref="ArgumentException">The value is negative or not finite.</exception>
    public static LearningRateSchedule Constant(double value) => new(ScheduleKind.Constant, value, value, 1.0);

    /// <summary>Linear from <paramref name="initial"/> to <paramref name="final"/> over the first <paramref name="endFraction"/> of training (SB3's <c>get_linear_fn</c>).</summary>
    /// <exception cref="ArgumentException">A value is negative or not finite, or endFraction is outside (0, 1].</exception>
    public static LearningRateSchedule Linear(double initial, double final = 0.0, double endFraction = 1.0) =>
        new(ScheduleKind.Linear, initial, final, endFraction);

    /// <summary>Cosine from <paramref name="initial"/> to <paramref name="final"/>: final + (initial - final)(1 + cos(pi progress)) / 2.</summary>
    /// <exception cref="ArgumentException">A value is negative or not finite, or endFraction is outside (0, 1].</exception>
    public static LearningRateSchedule Cosine(double initial, double final = 0.0, double endFraction = 1.0) =>
        new(ScheduleKind.Cosine, initial, final, endFraction);

    /// <summary>SB3's progress_remaining: 1 - done / total, clamped to [0, 1].</summary>
    /// <exception cref="ArgumentException">total is not positive or done is negative.</exception>
    public static double ProgressRemaining(long done, long total)
    {
        if (total <= 0 || done < 0)
        {
            throw new ArgumentException($"ProgressRemaining needs total > 0 and done >= 0, got done {done} of {total}.");
        }

        return Math.Clamp(1.0 - (double)done / total, 0.0, 1.0);
    }

    /// <summary>The value at <paramref name="progressRemaining"/> (1 = start, 0 = end; values outside [0, 1] are clamped).</summary>
    /// <exception cref="ArgumentException">The progress is NaN.</exception>
    public double ValueAt(double progressRemaining)
    {
        if (double.IsNaN(progressRemaining))
        {
            throw new ArgumentException("progressRemaining is NaN.", nameof(progressRemaining));
        }

        double elapsed = 1.0 - Math.Clamp(progressRemaining, 0.0, 1.0);
        if (Kind == ScheduleKind.Constant)
        {
            return Initial;
        }

        if (elapsed >= EndFraction)
        {
            return Final;
        }

        double t = elapsed / EndFraction;
        return Kind == ScheduleKind.Linear
            ? Initial + t * (Final - Initial)
            : Final + 0.5 * (Initial - Final) * (1.0 + Math.Cos(Math.PI * t));
    }

    /// <inheritdoc />
    public override string ToString() => Kind == ScheduleKind.Constant
        ? $"Constant({Initial})"
        : $"{Kind}({Initial} -> {Final} over {EndFraction} of training)";

    private static void Check(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
        {
            throw new ArgumentException($"{name} must be finite and non-negative, got {value}.", name);
        }
    }
}
