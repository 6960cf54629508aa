using Tensorless.Rl.Options;

namespace Tensorless.Rl.Algorithms;

/// <summary>
/// The algorithms this engine can train, by name. Adding an algorithm is its folder under <c>Algorithms/</c> plus one line
/// in <see cref="BuiltIn"/> (or a <see cref="Register"/> call from user code); nothing else in the engine names it.
/// </summary>
public static class AlgorithmRegistry
{
    private static readonly object s_gate = new();
    private static AlgorithmEntry[] s_entries = [];

    static AlgorithmRegistry()
    {
        foreach (var entry in BuiltIn())
        {
            Register(entry);
        }
    }

    /// <summary>Every registered algorithm, in registration order (built-ins first).</summary>
    public static IReadOnlyList<AlgorithmEntry> All => Volatile.Read(ref s_entries);

    /// <summary>The algorithm a run trains when it names neither an algorithm nor a preset: the first built-in (PPO).</summary>
    public static AlgorithmEntry Default => All[0];

    /// <summary>The registered names, in registration order.</summary>
    public static IReadOnlyList<string> Names => [.. All.Select(e => e.Name)];

    /// <summary>
    /// Adds an algorithm. Its name and its presets' names must be new; each preset must name this algorithm and hold
    /// options of its type.
    /// </summary>
    /// <param name="entry">The algorithm.</param>
    /// <exception cref="ArgumentException">The name or a preset name is taken, or a preset does not belong to the entry.</exception>
    public static void Register(AlgorithmEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (s_gate)
        {
            var current = s_entries;
            if (current.Any(e => string.Equals(e.Name, entry.Name, StringComparison.OrdinalIgnoreCase)))
            {
                throw new ArgumentException($"An algorithm named '{entry.Name}' is already registered.", nameof(entry));
            }

            foreach (var preset in entry.Presets)
            {
                if (preset.Algorithm != entry.Name || preset.Options?.GetType() != entry.OptionsType)
                {
                    throw new ArgumentException($"Preset '{preset.Name}' must name algorithm '{entry.Name}' and hold {entry.OptionsType.Name}.", nameof(entry));
                }

                if (current.Any(e => e.Presets.Any(p => p.Name == preset.Name)))
                {
                    throw new ArgumentException($"A preset named '{preset.Name}' is already registered.", nameof(entry));
                }
            }

            Volatile.Write(ref s_entries, [.. current, entry]);
        }
    }

    /// <summary>The algorithm called <paramref name="name"/> (case-insensitive).</summary>
    /// <param name="name">Registry name.</param>
    /// <returns>The entry.</returns>
    /// <exception cref="ArgumentException">No algorithm has that name; the message lists the known ones.</exception>
    public static AlgorithmEntry Get(string name) =>
        TryGet(name, out var entry)
            ? entry
            : throw new ArgumentException($"Unknown algorithm '{name}'; known: {string.Join(", ", Names)}.", nameof(name));

    /// <summary>Looks up an algorithm by name (case-insensitive).</summary>
    /// <param name="name">Registry name.</param>
    /// <param name="entry">The entry when found.</param>
    /// <returns>Whether it was found.</returns>
    public static bool TryGet(string? name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AlgorithmEntry? entry)
    {
        entry = All.FirstOrDefault(e => string.Equals(e.Name, name, StringComparison.OrdinalIgnoreCase));
        return entry is not null;
    }

    /// <summary>The algorithm whose options type is that of <paramref name="options"/>.</summary>
    /// <exception cref="ArgumentException">No registered algorithm takes that options type.</exception>
    public static AlgorithmEntry For(IAlgorithmOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return All.FirstOrDefault(e => e.OptionsType == options.GetType())
            ?? throw new ArgumentException($"No registered algorithm takes {options.GetType().Name}.", nameof(options));
    }

    // One line per built-in algorithm.
    private static IEnumerable<AlgorithmEntry> BuiltIn() =>
    [
        AlgorithmEntry.For<PpoOptions>("ppo", "PPO", (env, o) => new Ppo(env, o), PpoPresets.All, PpoPresets.Defaults, supportsDataParallel: true),
        AlgorithmEntry.For<A2cOptions>("a2c", "A2C", (env, o) => new A2c(env, o), A2cPresets.All, A2cPresets.Defaults, supportsDataParallel: true),
        AlgorithmEntry.For<ReinforceOptions>("reinforce", "REINFORCE", (env, o) => new Reinforce(env, o), ReinforcePresets.All, ReinforcePresets.Defaults),
        AlgorithmEntry.For<A3cOptions>("a3c", "A3C", (env, o) => new A3c(env, o), A3cPresets.All, A3cPresets.Defaults),
        AlgorithmEntry.For<TrpoOptions>("trpo", "TRPO", (env, o) => new Trpo(env, o), TrpoPresets.All, TrpoPresets.Defaults, supportsDataParallel: true),
        AlgorithmEntry.For<NpgOptions>("npg", "NPG", (env, o) => new Npg(env, o), NpgPresets.All, NpgPresets.Defaults, supportsDataParallel: true),
    ];
}
