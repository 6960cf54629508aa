namespace Tensorless.Rl.Runs;

/// <summary>
/// What a training run is asked to do, before defaults are filled in: the inputs of <c>tensorless train</c>, and of
/// <see cref="TrainingRun"/> from C#. Null fields take the preset's value, else the algorithm's default.
/// </summary>
public sealed record RunRequest
{
    /// <summary>Registry name of the algorithm (<c>ppo</c>, <c>a2c</c>, ...); null takes the preset's, or <see cref="Algorithms.AlgorithmRegistry.Default"/>.</summary>
    public string? Algorithm { get; init; }

    /// <summary>Env id; null takes the preset's, or CartPole-v1.</summary>
    public string? EnvId { get; init; }

    /// <summary>Preset name, or null.</summary>
    public string? Preset { get; init; }

    /// <summary>Seed; null keeps the options' seed (1).</summary>
    public ulong? Seed { get; init; }

    /// <summary>Env-step budget; null takes the preset's, or 500k.</summary>
    public long? TotalSteps { get; init; }

    /// <summary>Stop once the last 100 training episodes average this; null takes the preset's or the env's threshold.</summary>
    public double? Target { get; init; }

    /// <summary>True to train the whole budget whatever the return.</summary>
    public bool NoTarget { get; init; }

    /// <summary>Episodes of the final deterministic evaluation (0 skips it).</summary>
    public int EvalEpisodes { get; init; } = 100;

    /// <summary>Option overrides, <c>key=value</c> each (<see cref="OptionOverrides"/>).</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Run directory; null picks <c>runs/&lt;algo&gt;-&lt;env&gt;-seed&lt;seed&gt;</c>.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>A run directory to resume from, or null.</summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>
    /// With <see cref="ResumeDirectory"/>: train to <see cref="TotalSteps"/> although it differs from the saved budget, with
    /// the schedules re-anchored to it (not bit-exact with any single run). Without it a resume keeps its saved budget.
    /// </summary>
    public bool Extend { get; init; }

    /// <summary>Threads for the gradient computation; null takes <see cref="RunSetup.DefaultThreads"/>.</summary>
    public int? Threads { get; init; }

    /// <summary>
    /// Where the rollouts and minibatch gradients run: null or <c>cpu</c> (the default), or a device a backend registered
    /// in <see cref="Training.GradientDevices"/> (<c>ilgpu-cpu</c>, <c>cuda</c>, <c>opencl</c> with Tensorless.Gpu). Not
    /// saved with the run: a resumed run takes the device its request names. (A population's members leave it null: the
    /// population's own <c>PopulationRequest.Device</c> batches their rollouts.)
    /// </summary>
    public string? Device { get; init; }

    /// <summary>How often a checkpoint is written during training; null is every 30 s.</summary>
    public TimeSpan? CheckpointInterval { get; init; }
}
