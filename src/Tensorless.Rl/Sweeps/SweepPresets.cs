namespace Tensorless.Rl.Sweeps;

/// <summary>
/// Built-in sweep specs that reproduce the seeds' studies (<c>tensorless sweep --spec NAME</c>). They are code rather
/// than shipped JSON files so that they travel with the presets they sweep and a test holds their size; <c>--spec NAME
/// --print</c> writes one as a sweep file to edit.
/// </summary>
public static class SweepPresets
{
    /// <summary>
    /// Seed 000's grid search: A2C swing-up (<c>seed-a2c-swingup</c>) over policy lr and value lr in {0.1, 0.01, 0.001},
    /// gamma in {0.99, 0.999} and lambda in {0.9, 0.99}, 5 seeds: 36 configurations, 180 runs of 256 epochs each
    /// (about 5 hours on 2 cores at ~100 s a run). The whole budget is trained; "solved" means the last 100 episodes
    /// averaged 100 (the preset's target). The blog's seeds (9827391, ...) seeded NumPy/PyTorch; ours are 1-5.
    /// </summary>
    public static SweepSpec SeedGrid000 => new()
    {
        Name = "seed-000-grid",
        Preset = "seed-a2c-swingup",
        NoTarget = true,
        SolveThreshold = 100,
        Grid =
        [
            new SweepAxis("learning_rate", ["0.1", "0.01", "0.001"]),
            new SweepAxis("value_learning_rate", ["0.1", "0.01", "0.001"]),
            new SweepAxis("gamma", ["0.99", "0.999"]),
            new SweepAxis("gae_lambda", ["0.9", "0.99"]),
        ],
        Seeds = [1, 2, 3, 4, 5],
    };

    /// <summary>
    /// Seed 001's 36 swing-up seeds of PPO (<c>seed-ppo-swingup</c>), each trained its whole 256 epochs; "solved" means
    /// the last 100 episodes averaged 300 at some point (the preset's target). About 2 hours on 2 cores.
    /// </summary>
    public static SweepSpec SeedSwingUp001 => new()
    {
        Name = "seed-001-swingup-36",
        Preset = "seed-ppo-swingup",
        NoTarget = true,
        SolveThreshold = 300,
        Seeds = [.. Enumerable.Range(1, 36).Select(i => (ulong)i)],
    };

    /// <summary>Every built-in sweep, by name.</summary>
    public static IReadOnlyDictionary<string, SweepSpec> All => new Dictionary<string, SweepSpec>(StringComparer.OrdinalIgnoreCase)
    {
        ["seed-000-grid"] = SeedGrid000,
        ["seed-001-swingup-36"] = SeedSwingUp001,
    };

    /// <summary>A built-in sweep by name.</summary>
    /// <param name="name">Its name.</param>
    /// <returns>The spec.</returns>
    /// <exception cref="ArgumentException">No such sweep.</exception>
    public static SweepSpec Get(string name) => All.TryGetValue(name, out var spec)
        ? spec
        : throw new ArgumentException($"Unknown sweep '{name}'. Built-in sweeps: {string.Join(", ", All.Keys)}.");
}
