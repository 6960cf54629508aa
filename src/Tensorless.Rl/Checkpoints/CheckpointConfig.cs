using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Normalization;

namespace Tensorless.Rl.Checkpoints;

/// <summary>
/// The contents of <c>config.json</c>: what was trained (algorithm, env, the full options record), where the run stood,
/// the spaces and normaliser settings a policy loader needs, provenance, and the exact non-tensor training state. Keys are
/// snake_case; the options record keeps its C# property names with enums as strings, as the CLI's config files do.
/// </summary>
internal sealed record CheckpointConfig
{
    /// <summary>Value of <see cref="Format"/>.</summary>
    public const string FormatName = "tensorless-checkpoint";

    /// <summary>Layout version this build writes and reads (2: options compose the shared <c>OnPolicy</c> record; algorithm state by name).</summary>
    public const int CurrentVersion = 2;

    /// <summary>Serializer of the envelope: snake_case, indented; NaN is allowed because a mean return may be NaN.</summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        // A hostile file's "options": null or "observation_space": null fails here, naming the field, not later as a NullReferenceException.
        RespectNullableAnnotations = true,
    };

    /// <summary>Serializer of the options record: property names as in C#, enums as strings.</summary>
    public static readonly JsonSerializerOptions OptionsJson = new()
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter() },
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public required string Format { get; init; }

    public required int FormatVersion { get; init; }

    /// <summary>Also in the safetensors metadata: a mismatch means the two files come from different saves.</summary>
    public required string CheckpointId { get; init; }

    public required string Algo { get; init; }

    public required string EnvId { get; init; }

    public required int NumEnvs { get; init; }

    /// <summary>
    /// The training envs' time limit (<see cref="IVectorEnv.MaxEpisodeSteps"/>), which evaluation and resume rebuild the
    /// env with; absent (null) in files written before the field existed, which keep the registry's limit.
    /// </summary>
    public int? MaxEpisodeSteps { get; init; }

    public required ulong Seed { get; init; }

    public required JsonObject Options { get; init; }

    public required SpaceJson ObservationSpace { get; init; }

    public required SpaceJson ActionSpace { get; init; }

    public NormalizerJson? ObservationNormalizer { get; init; }

    public NormalizerJson? RewardScaler { get; init; }

    public required ProgressJson Progress { get; init; }

    /// <summary>The algorithm's own scalar state (<see cref="Algorithms.IOnPolicyAlgorithm.SaveExtraState"/>), or null.</summary>
    public Dictionary<string, double>? AlgorithmState { get; init; }

    public string? LibraryVersion { get; init; }

    public string? DotnetVersion { get; init; }

    public string? SavedAt { get; init; }

    public required TrainingStateJson TrainingState { get; init; }
}

/// <summary>A Discrete or Box space; Box bounds may be infinite (written as "Infinity").</summary>
internal sealed record SpaceJson(string Type, int? N, double[]? Low, double[]? High, int[]? Shape)
{
    public static SpaceJson From(Space space) => space switch
    {
        Discrete d => new SpaceJson("Discrete", d.N, null, null, null),
        Box b => new SpaceJson("Box", null, b.Low, b.High, b.Shape),
        _ => throw new NotSupportedException($"Checkpoints support Discrete and Box spaces, got {space}."),
    };

    /// <exception cref="InvalidDataException">The description is incomplete or invalid.</exception>
    public Space ToSpace(string what)
    {
        try
        {
            return Type switch
            {
                "Discrete" when N is int n => new Discrete(n),
                "Box" when Low is not null && High is not null && Shape is not null => new Box(Low, High, Shape),
                _ => throw new InvalidDataException($"{what} is not a complete Discrete (n) or Box (low, high, shape) description"),
            };
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{what} is invalid: {e.Message}", e);
        }
    }
}

/// <summary>Settings of an observation normaliser or reward scaler (its statistics are tensors).</summary>
internal sealed record NormalizerJson(double Clip, double Epsilon);

/// <summary>Where the run stood. Counters are restored on resume; timings and the mean return are for people.</summary>
internal sealed record ProgressJson
{
    public required long EnvSteps { get; init; }

    public required int Updates { get; init; }

    /// <summary>The env-step budget of the run (its last <c>Learn</c> call), which a resume keeps; null in older files.</summary>
    public long? TotalSteps { get; init; }

    public long Episodes { get; init; }

    public double MeanReturn { get; init; }

    public double WallSeconds { get; init; }

    public double RolloutSeconds { get; init; }

    public double UpdateSeconds { get; init; }

    public long? SolvedAtEnvSteps { get; init; }

    public double? SolvedAtSeconds { get; init; }
}

/// <summary>
/// Training state that is not a double tensor, stored exactly: generator words as hex, the env snapshot as base64, counters
/// as JSON integers (never through a double, which cannot hold every 64-bit word).
/// </summary>
internal sealed record TrainingStateJson
{
    public required bool Started { get; init; }

    public required string[] Rng { get; init; }

    public string? EnvSnapshot { get; init; }

    public required long CollectorEnvSteps { get; init; }

    public required long EpisodeEnvSteps { get; init; }

    public required long EpisodeCount { get; init; }
}
