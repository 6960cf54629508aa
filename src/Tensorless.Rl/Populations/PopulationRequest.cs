using Tensorless.Rl.Runs;

namespace Tensorless.Rl.Populations;

/// <summary>
/// What a population is asked to train: K ordinary run requests trained at once in one process (issue 10), each member
/// on one thread, the population's threads shared out over the members. Members may differ in anything a run request
/// holds (seed, preset, algorithm, env, overrides); each writes its own ordinary run directory.
/// </summary>
public sealed record PopulationRequest
{
    /// <summary>The most members one population holds.</summary>
    public const int MaxMembers = 65_536;

    /// <summary>The members, each with its own <see cref="RunRequest.OutputDirectory"/>.</summary>
    public required IReadOnlyList<RunRequest> Members { get; init; }

    /// <summary>The population directory: <c>population.json</c> goes here (the members' directories may lie inside it).</summary>
    public required string Directory { get; init; }

    /// <summary>Threads that train members side by side; null takes <see cref="RunSetup.DefaultThreads"/>.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Where the members' rollouts run, batched (all members' envs stepped by each launch): a registered device name
    /// (<see cref="Training.GradientDevices.CreatePopulation"/>), or null for the CPU. Where the device serves the members
    /// (<see cref="Training.IPopulationUpdateDevice"/>: PPO or A2C members alike in the options the batch shares) their
    /// updates run there batched too, and otherwise on the CPU threads (<see cref="PopulationRun.UpdateUnavailableReason"/>
    /// says why). A member's own <see cref="RunRequest.Device"/> must be null.
    /// </summary>
    public string? Device { get; init; }

    /// <summary>
    /// One member per seed, all from <paramref name="template"/>, in <c>{directory}/seed{k}</c>: <c>tensorless train --seeds</c>.
    /// </summary>
    /// <param name="template">The run every member makes, but for its seed and directory.</param>
    /// <param name="seeds">The seeds, one member each; no seed twice.</param>
    /// <param name="directory">The population directory.</param>
    /// <param name="threads">Threads, or null for the default.</param>
    /// <param name="device">Where the members' rollouts (and, where it can, their updates) run (<see cref="Device"/>), or null for the CPU.</param>
    /// <returns>The request.</returns>
    /// <exception cref="ArgumentException">No seeds, or a seed twice.</exception>
    public static PopulationRequest ForSeeds(RunRequest template, IReadOnlyList<ulong> seeds, string directory, int? threads = null, string? device = null)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(directory);
        if (seeds.Count == 0)
        {
            throw new ArgumentException("A population needs at least one seed.");
        }

        if (seeds.GroupBy(s => s).FirstOrDefault(g => g.Count() > 1) is { } twice)
        {
            throw new ArgumentException($"Seed {twice.Key} appears twice; each member of a population needs its own seed.");
        }

        return new PopulationRequest
        {
            Members = [.. seeds.Select(seed => template with { Seed = seed, OutputDirectory = Path.Combine(directory, $"seed{seed}") })],
            Directory = directory,
            Threads = threads,
            Device = device,
        };
    }
}
