namespace Tensorless.Cli.Training;

/// <summary>What <c>tensorless train</c> was asked to do, before defaults are filled in.</summary>
internal sealed record TrainRequest
{
    /// <summary>"a2c" or "ppo"; null takes the preset's, or PPO.</summary>
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

    /// <summary>Option overrides, key=value.</summary>
    public IReadOnlyList<string> Overrides { get; init; } = [];

    /// <summary>Output directory; null picks runs/&lt;algo&gt;-&lt;env&gt;-&lt;seed&gt;.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>A run directory to resume from, or null.</summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>Threads for the gradient computation; null keeps the options' value (1).</summary>
    public int? Threads { get; init; }

    /// <summary>Print one line per update instead of a live progress bar.</summary>
    public bool Plain { get; init; }
}
