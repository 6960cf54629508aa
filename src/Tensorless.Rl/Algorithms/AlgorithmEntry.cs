using Tensorless.Envs;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// One algorithm as the rest of the engine sees it: its name, its options type and defaults, how to build it on an env,
/// and its presets. Training runs, checkpoints, the CLI and the benchmarks find algorithms only through these entries
/// (<see cref="AlgorithmRegistry"/>); an algorithm's own scalar checkpoint state goes through
/// <see cref="IOnPolicyAlgorithm.SaveExtraState"/>.
/// </summary>
public sealed record AlgorithmEntry
{
    /// <summary>Registry name: short, lower-case, as <c>--algo</c> and config.json's <c>algo</c> spell it (<c>ppo</c>).</summary>
    public required string Name { get; init; }

    /// <summary>Name for people (<c>PPO</c>).</summary>
    public required string DisplayName { get; init; }

    /// <summary>The options record type; <see cref="Create"/> takes an instance of it.</summary>
    public required Type OptionsType { get; init; }

    /// <summary>The algorithm's default options (its paper's or SB3's defaults).</summary>
    public required Func<IAlgorithmOptions> DefaultOptions { get; init; }

    /// <summary>Builds the algorithm on a vector env from options of <see cref="OptionsType"/> (validated by the algorithm).</summary>
    public required Func<IVectorEnv, IAlgorithmOptions, IOnPolicyAlgorithm> Create { get; init; }

    /// <summary>The algorithm's named presets.</summary>
    public IReadOnlyList<TrainingPreset> Presets { get; init; } = [];

    /// <summary>
    /// Whether every gradient the algorithm applies goes through the learner's gradient runner, so that an
    /// <see cref="Training.IGradientReducer"/> (data-parallel training over several processes) sees all of them.
    /// </summary>
    public bool SupportsDataParallel { get; init; }

    /// <summary>The preset used when a run names this algorithm and an env but no preset, by env id.</summary>
    public IReadOnlyDictionary<string, string> DefaultPresets { get; init; } = new Dictionary<string, string>();

    /// <summary>An entry for an algorithm with options type <typeparamref name="TOptions"/>.</summary>
    /// <typeparam name="TOptions">The options record; its parameterless constructor gives the defaults.</typeparam>
    /// <param name="name">Registry name (lower-case).</param>
    /// <param name="displayName">Name for people.</param>
    /// <param name="create">Builds the algorithm.</param>
    /// <param name="presets">Its presets.</param>
    /// <param name="defaultPresets">Default preset by env id.</param>
    /// <param name="supportsDataParallel">See <see cref="SupportsDataParallel"/>.</param>
    /// <returns>The entry.</returns>
    public static AlgorithmEntry For<TOptions>(string name, string displayName, Func<IVectorEnv, TOptions, IOnPolicyAlgorithm> create,
        IReadOnlyList<TrainingPreset>? presets = null, IReadOnlyDictionary<string, string>? defaultPresets = null, bool supportsDataParallel = false)
        where TOptions : class, IAlgorithmOptions, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(displayName);
        ArgumentNullException.ThrowIfNull(create);
        return new AlgorithmEntry
        {
            Name = name,
            DisplayName = displayName,
            OptionsType = typeof(TOptions),
            DefaultOptions = () => new TOptions(),
            Create = (env, options) => options is TOptions typed
                ? create(env, typed)
                : throw new ArgumentException($"{displayName} takes {typeof(TOptions).Name}, not {options?.GetType().Name ?? "null"}.", nameof(options)),
            Presets = presets ?? [],
            DefaultPresets = defaultPresets ?? new Dictionary<string, string>(),
            SupportsDataParallel = supportsDataParallel,
        };
    }
}
