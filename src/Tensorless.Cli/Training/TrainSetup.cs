using Tensorless.Envs;
using Tensorless.Rl;

namespace Tensorless.Cli.Training;

/// <summary>
/// A fully resolved training run: the algorithm, env, options (preset, then defaults, then <c>--set</c> overrides),
/// budget and target. Everything is validated here, before any training starts, so a bad option fails fast with a
/// message that names it.
/// </summary>
internal sealed record TrainSetup(
    TrainingAlgorithm Algorithm,
    string EnvId,
    string? Preset,
    PpoOptions? Ppo,
    A2cOptions? A2c,
    long TotalSteps,
    double? Target,
    int EvalEpisodes,
    string OutputDirectory)
{
    /// <summary>The default budget of <c>tensorless train</c> without a preset (the issue: solved or 500k steps).</summary>
    public const long DefaultTotalSteps = 500_000;

    /// <summary>
    /// Threads of the gradient computation when <c>--threads</c> is not given: two where the machine has them (the
    /// data-parallel update is about 1.8x faster at a 256-row minibatch), one otherwise.
    /// </summary>
    public static int DefaultThreads => Math.Min(2, Environment.ProcessorCount);

    /// <summary>The seed of the run.</summary>
    public ulong Seed => Ppo?.Seed ?? A2c!.Seed;

    /// <summary>Threads of the gradient computation.</summary>
    public int Threads => Ppo?.Threads ?? A2c!.Threads;

    /// <summary>Number of envs of the run.</summary>
    public int NumEnvs => Ppo?.NumEnvs ?? A2c!.NumEnvs;

    /// <summary>Lower-case algorithm name.</summary>
    public string AlgorithmName => Algorithm == TrainingAlgorithm.Ppo ? "ppo" : "a2c";

    /// <summary>Fills defaults and validates.</summary>
    /// <exception cref="ArgumentException">An option, preset, env id or override is invalid; the message names it.</exception>
    public static TrainSetup Resolve(TrainRequest request)
    {
        TrainingPreset? preset = request.Preset is null ? null : Presets.Get(request.Preset);
        var algorithm = ParseAlgorithm(request.Algorithm) ?? preset?.Algorithm ?? TrainingAlgorithm.Ppo;
        if (preset is not null && request.Algorithm is not null && preset.Algorithm != algorithm)
        {
            throw new ArgumentException($"--algo {request.Algorithm} contradicts preset '{preset.Name}', which is {preset.Algorithm}.");
        }

        string envId = request.EnvId ?? preset?.EnvId ?? "CartPole-v1";
        var spec = Gym.Spec(envId);
        preset ??= DefaultPreset(algorithm, envId);
        if (request.TotalSteps is long steps && steps < 1)
        {
            throw new ArgumentException($"--total-steps must be positive, got {steps}.");
        }

        if (request.Threads is int t0 && t0 < 1)
        {
            throw new ArgumentException($"--threads must be at least 1, got {t0}.");
        }

        if (request.EvalEpisodes < 0)
        {
            throw new ArgumentException($"--eval-episodes must be 0 or more, got {request.EvalEpisodes}.");
        }

        long total = request.TotalSteps ?? (request.Preset is null ? DefaultTotalSteps : preset?.TotalSteps ?? DefaultTotalSteps);
        double? target = request.NoTarget ? null : request.Target ?? (request.Preset is null ? null : preset?.TargetReturn) ?? spec.RewardThreshold ?? preset?.TargetReturn;
        if (target is double t && !double.IsFinite(t))
        {
            throw new ArgumentException($"--target must be a finite number, got {t}.");
        }

        PpoOptions? ppo = null;
        A2cOptions? a2c = null;
        if (algorithm == TrainingAlgorithm.Ppo)
        {
            ppo = OptionOverrides.Apply(preset?.Ppo ?? new PpoOptions(), request.Overrides);
            if (request.Seed is ulong s)
            {
                ppo = ppo with { Seed = s };
            }

            ppo = ppo with { Threads = request.Threads ?? DefaultThreads };

            ppo.Validate();
        }
        else
        {
            a2c = OptionOverrides.Apply(preset?.A2c ?? new A2cOptions(), request.Overrides);
            if (request.Seed is ulong s)
            {
                a2c = a2c with { Seed = s };
            }

            a2c = a2c with { Threads = request.Threads ?? DefaultThreads };

            a2c.Validate();
        }

        string name = algorithm == TrainingAlgorithm.Ppo ? "ppo" : "a2c";
        string outDir = request.OutputDirectory ?? Path.Combine("runs", $"{name}-{envId}-seed{ppo?.Seed ?? a2c!.Seed}");
        return new TrainSetup(algorithm, envId, preset?.Name, ppo, a2c, total, target, request.EvalEpisodes, outDir);
    }

    /// <summary>
    /// The preset a plain <c>--algo X --env Y</c> uses: the tuned CartPole and Pendulum settings where we have them,
    /// else null (the algorithm's SB3 defaults).
    /// </summary>
    private static TrainingPreset? DefaultPreset(TrainingAlgorithm algorithm, string envId) => (algorithm, envId) switch
    {
        (TrainingAlgorithm.Ppo, "CartPole-v1") => Presets.Get("ppo-cartpole"),
        (TrainingAlgorithm.A2c, "CartPole-v1") => Presets.Get("a2c-cartpole"),
        (TrainingAlgorithm.Ppo, "Pendulum-v1") => Presets.Get("ppo-pendulum"),
        _ => null,
    };

    private static TrainingAlgorithm? ParseAlgorithm(string? name) => name?.ToLowerInvariant() switch
    {
        null => null,
        "ppo" => TrainingAlgorithm.Ppo,
        "a2c" => TrainingAlgorithm.A2c,
        _ => throw new ArgumentException($"Unknown --algo '{name}'; use a2c or ppo."),
    };
}
