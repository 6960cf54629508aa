namespace Tensorless.Rl.Training;

/// <summary>Thrown when a loss or a parameter becomes NaN or infinite; training stops and earlier checkpoints stay as they were.</summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception for <paramref name="update"/>.</summary>
    public TrainingDivergedException(int update, string what)
        : base($"Training diverged at update {update}: {what} is not finite; " +
               "try a lower learning rate, gradient clipping (max_grad_norm) or observation normalisation.")
    {
        Update = update;
    }

    /// <summary>The 1-based update at which the non-finite value appeared.</summary>
    public int Update { get; }
}
