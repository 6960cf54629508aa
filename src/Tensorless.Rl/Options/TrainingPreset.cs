namespace Tensorless.Rl;

/// <summary>A named training setup: algorithm, environment, options, step budget and the return that counts as reached.</summary>
public sealed record TrainingPreset
{
    /// <summary>Preset name (kebab-case), as <see cref="Presets.Names"/> lists it.</summary>
    public required string Name { get; init; }

    /// <summary>Which learner.</summary>
    public required TrainingAlgorithm Algorithm { get; init; }

    /// <summary>Gymnasium environment id.</summary>
    public required string EnvId { get; init; }

    /// <summary>A2C options (set when <see cref="Algorithm"/> is A2C, else null).</summary>
    public A2cOptions? A2c { get; init; }

    /// <summary>PPO options (set when <see cref="Algorithm"/> is PPO, else null).</summary>
    public PpoOptions? Ppo { get; init; }

    /// <summary>Environment steps to train for, summed over environments.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>Mean episode return (last 100 episodes) at which the run counts as having reached its goal.</summary>
    public required double TargetReturn { get; init; }

    /// <summary>Where the settings come from.</summary>
    public required string Source { get; init; }

    /// <summary>Number of parallel environments of the preset's options.</summary>
    public int NumEnvs => Algorithm == TrainingAlgorithm.A2c ? A2c!.NumEnvs : Ppo!.NumEnvs;

    /// <summary>Checks that the options match the algorithm and are valid, and that the budget covers at least one rollout.</summary>
    /// <exception cref="ArgumentException">Something is inconsistent; the message names it.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Name);
        ArgumentException.ThrowIfNullOrEmpty(EnvId);
        OptionChecks.Defined(Algorithm, nameof(Algorithm));
        int rollout;
        if (Algorithm == TrainingAlgorithm.A2c)
        {
            if (A2c is null || Ppo is not null)
            {
                throw new ArgumentException($"Preset '{Name}' is A2C: A2c must be set and Ppo null.", nameof(A2c));
            }

            A2c.Validate();
            rollout = A2c.BatchSize;
        }
        else
        {
            if (Ppo is null || A2c is not null)
            {
                throw new ArgumentException($"Preset '{Name}' is PPO: Ppo must be set and A2c null.", nameof(Ppo));
            }

            Ppo.Validate();
            rollout = Ppo.RolloutSize;
        }

        OptionChecks.AtLeast(TotalSteps, rollout, nameof(TotalSteps));
        OptionChecks.Finite(TargetReturn, nameof(TargetReturn));
    }
}
