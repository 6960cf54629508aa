using Tensorless.Rl.Algorithms;

namespace Tensorless.Rl.Options;

/// <summary>A named training setup: algorithm, environment, options, step budget and the return that counts as reached.</summary>
public sealed record TrainingPreset
{
    /// <summary>Preset name (kebab-case), as <see cref="Presets.Names"/> lists it.</summary>
    public required string Name { get; init; }

    /// <summary>Registry name of the algorithm (<see cref="AlgorithmRegistry"/>).</summary>
    public required string Algorithm { get; init; }

    /// <summary>Gymnasium environment id.</summary>
    public required string EnvId { get; init; }

    /// <summary>The algorithm's options record.</summary>
    public required IAlgorithmOptions Options { get; init; }

    /// <summary>Environment steps to train for, summed over environments.</summary>
    public required long TotalSteps { get; init; }

    /// <summary>Mean episode return (last 100 episodes) at which the run counts as having reached its goal.</summary>
    public required double TargetReturn { get; init; }

    /// <summary>Where the settings come from.</summary>
    public required string Source { get; init; }

    /// <summary>Number of parallel environments of the preset's options.</summary>
    public int NumEnvs => Options.OnPolicy.NumEnvs;

    /// <summary>Checks that the options belong to the algorithm and are valid, and that the budget covers at least one rollout.</summary>
    /// <exception cref="ArgumentException">Something is inconsistent; the message names it.</exception>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(Name);
        ArgumentException.ThrowIfNullOrEmpty(EnvId);
        if (Options is null)
        {
            throw new ArgumentException($"Preset '{Name}' has no options.", nameof(Options));
        }

        var entry = AlgorithmRegistry.Get(Algorithm);
        if (Options.GetType() != entry.OptionsType)
        {
            throw new ArgumentException($"Preset '{Name}' is {entry.DisplayName}, whose options are {entry.OptionsType.Name}, but it holds {Options.GetType().Name}.", nameof(Options));
        }

        Options.Validate();
        OptionChecks.AtLeast(TotalSteps, Options.OnPolicy.RolloutSize, nameof(TotalSteps));
        OptionChecks.Finite(TargetReturn, nameof(TargetReturn));
    }
}
