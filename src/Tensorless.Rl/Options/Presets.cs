using Tensorless.Rl.Algorithms;

namespace Tensorless.Rl.Options;

/// <summary>
/// Every named training preset: the ones each registered algorithm brings (<see cref="AlgorithmEntry.Presets"/>), in
/// registry order. Sources and the seeds' published results are in <c>docs/seeds.md</c>.
/// </summary>
public static class Presets
{
    /// <summary>Every preset, in a stable order (registry order, then each algorithm's own order).</summary>
    public static IReadOnlyList<TrainingPreset> All => [.. AlgorithmRegistry.All.SelectMany(e => e.Presets)];

    /// <summary>The preset names, in the order of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names => [.. All.Select(p => p.Name)];

    /// <summary>Returns the preset called <paramref name="name"/> (case-sensitive).</summary>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset.</returns>
    /// <exception cref="ArgumentException">No preset has that name; the message lists the known names.</exception>
    public static TrainingPreset Get(string name)
    {
        foreach (var entry in AlgorithmRegistry.All)
        {
            foreach (var preset in entry.Presets)
            {
                if (string.Equals(preset.Name, name, StringComparison.Ordinal))
                {
                    return preset;
                }
            }
        }

        throw new ArgumentException($"Unknown preset '{name}'. Known presets: {string.Join(", ", Names)}.", nameof(name));
    }

    /// <summary>The options of preset <paramref name="name"/>, which must be of type <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The algorithm's options type.</typeparam>
    /// <param name="name">Preset name.</param>
    /// <returns>The preset's options.</returns>
    /// <exception cref="ArgumentException">The name is unknown or names a preset of another algorithm.</exception>
    public static T Options<T>(string name)
        where T : IAlgorithmOptions
    {
        var preset = Get(name);
        return preset.Options is T options
            ? options
            : throw new ArgumentException($"Preset '{name}' is a {preset.Algorithm} preset, not {typeof(T).Name}.", nameof(name));
    }
}
