using System.Globalization;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tensorless.Autodiff.Serialization;
using Tensorless.Envs;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Checkpoints;

/// <summary>
/// Saves an on-policy agent to a directory and resumes it exactly. A checkpoint is two files: <c>model.safetensors</c>
/// (every double tensor: policy parameters under their PyTorch names and shapes, optimizer moments, normaliser statistics,
/// rollout state) and <c>config.json</c> (algorithm, env id, the options record, progress, provenance, and the exact
/// non-tensor state: generator words, the vector env's snapshot). Training N steps, saving, resuming and training M more
/// gives the same parameters, bit for bit, as training N + M steps without stopping.
/// </summary>
public static class Checkpoint
{
    /// <summary>Name of the tensor file.</summary>
    public const string ModelFileName = "model.safetensors";

    /// <summary>Name of the configuration file.</summary>
    public const string ConfigFileName = "config.json";

    private const string IdMetadataKey = "checkpoint_id";

    /// <summary>
    /// Writes the checkpoint into <paramref name="directory"/> (created if needed). Both files are written in full to
    /// temporary files and flushed before either replaces its predecessor, so a failed save leaves the previous checkpoint;
    /// a crash between the two renames (the model first, then the config) leaves the new model beside the new config's
    /// complete temporary file, which <see cref="Resume"/>, <see cref="TrainedPolicy.Load"/> and the next save pick up, so the
    /// folder always holds one loadable checkpoint once one was written. Every tensor's SHA-256 goes into the model's
    /// metadata (<see cref="SafetensorsChecksums"/>) and is verified on load.
    /// </summary>
    /// <exception cref="IOException">A file could not be written; the previous files are unchanged.</exception>
    public static void Save(IOnPolicyAlgorithm agent, string directory) => SaveInSteps(agent, directory, step: null);

    /// <summary><see cref="Save"/> with the crash-test seam of <see cref="AtomicFiles.WriteAll"/>.</summary>
    internal static void SaveInSteps(IOnPolicyAlgorithm agent, string directory, Action<string>? step)
    {
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        Directory.CreateDirectory(directory);
        // Finish a save torn by a crash first, so the complete config temporary is not overwritten before it is used.
        Recover(directory);
        string id = Guid.NewGuid().ToString("N");
        var tensors = CheckpointTensors.Collect(agent);
        var metadata = SafetensorsChecksums.With(tensors, new Dictionary<string, string> { ["format"] = CheckpointConfig.FormatName, [IdMetadataKey] = id, ["algo"] = agent.Algorithm, ["env_id"] = agent.EnvId });
        byte[] config = JsonSerializer.SerializeToUtf8Bytes(BuildConfig(agent, id), CheckpointConfig.Json);
        // The model is renamed first: the config's temporary then outlives a crash between the renames (see Recover).
        AtomicFiles.WriteAll(directory,
        [
            (ModelFileName, stream => Safetensors.Write(stream, tensors, metadata)),
            (ConfigFileName, stream => stream.Write(config)),
        ], step);
    }

    /// <summary>
    /// Completes a save that a crash tore between its two renames: when model.safetensors's checkpoint id differs from
    /// config.json's and the config's temporary file (<c>.config.json.tmp</c>) carries the model's id, the temporary is
    /// renamed into place. Does nothing to a consistent folder. Called by every save, and by a training run before it resumes.
    /// </summary>
    internal static void Recover(string directory)
    {
        if (TornConfig(directory) is not null)
        {
            File.Move(AtomicFiles.TempPath(directory, ConfigFileName), Path.Combine(directory, ConfigFileName), overwrite: true);
            DirectorySync.Flush(directory);
        }
    }

    /// <summary>
    /// The config of a torn save (the model renamed, the config not yet): <c>.config.json.tmp</c> parsed, when it carries
    /// the model's checkpoint id and config.json does not; null otherwise.
    /// </summary>
    private static CheckpointConfig? TornConfig(string directory)
    {
        string modelPath = Path.Combine(directory, ModelFileName);
        string tempPath = AtomicFiles.TempPath(directory, ConfigFileName);
        if (!File.Exists(modelPath) || !File.Exists(tempPath))
        {
            return null;
        }

        try
        {
            Safetensors.ReadMetadata(modelPath).TryGetValue(IdMetadataKey, out string? modelId);
            var temp = JsonSerializer.Deserialize<CheckpointConfig>(File.ReadAllBytes(tempPath), CheckpointConfig.Json);
            string configPath = Path.Combine(directory, ConfigFileName);
            string? currentId = File.Exists(configPath) ? ConfigId(configPath) : null;
            return modelId is not null && temp?.CheckpointId == modelId && currentId != modelId ? temp : null;
        }
        catch (Exception e) when (e is IOException or InvalidDataException or JsonException or UnauthorizedAccessException)
        {
            // A partial or unreadable temporary is a save that never reached its renames: nothing to finish.
            return null;
        }
    }

    private static string? ConfigId(string configPath)
    {
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllBytes(configPath));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("checkpoint_id", out var id) && id.ValueKind == JsonValueKind.String
                ? id.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Rebuilds the agent a checkpoint was saved from: its vector env (<c>Gym.MakeVector(envId, numEnvs, seed)</c>, then
    /// restored from the saved snapshot) and the algorithm with the saved options, with every piece of state restored.
    /// </summary>
    /// <exception cref="FileNotFoundException">A checkpoint file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, the two files come from different saves, the algorithm or
    /// env is unknown, or a tensor is missing, extra or misshapen; the message names the file and the problem.</exception>
    /// <exception cref="NotSupportedException">The run had started on an env that cannot snapshot its state.</exception>
    public static IOnPolicyAlgorithm Resume(string directory)
    {
        var (config, file) = Read(directory);
        string configPath = Path.Combine(directory, ConfigFileName);
        IVectorEnv env;
        try
        {
            env = Gym.MakeVector(config.EnvId, config.NumEnvs, config.Seed, config.MaxEpisodeSteps);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: cannot make env '{config.EnvId}' x {config.NumEnvs}: {e.Message}", e);
        }

        CheckpointValidation.CheckSpaces(config, env.SingleObservationSpace, env.SingleActionSpace, configPath);
        if (!AlgorithmRegistry.TryGet(config.Algo, out var entry))
        {
            throw new InvalidDataException($"{configPath}: unknown algorithm '{config.Algo}' (known: {string.Join(", ", AlgorithmRegistry.Names)}).");
        }

        IOnPolicyAlgorithm agent;
        try
        {
            agent = entry.Create(env, Options(config, configPath, entry.OptionsType));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: the saved {config.Algo} options are invalid: {e.Message}", e);
        }

        Restore(agent, directory, config, file);
        return agent;
    }

    /// <summary>
    /// Restores a checkpoint into an existing agent of the same algorithm on the same env id and env count (options such as
    /// the learning rate may differ; network shapes may not). Everything is checked before the agent is changed.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint is for another algorithm, env or env count, or does not match.</exception>
    public static void Restore(IOnPolicyAlgorithm agent, string directory)
    {
        ArgumentNullException.ThrowIfNull(agent);
        var (config, file) = Read(directory);
        Restore(agent, directory, config, file);
    }

    /// <summary>Reads and cross-checks both files (used by the policy loader too).</summary>
    internal static (CheckpointConfig Config, SafetensorsFile Model) Read(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Checkpoint directory '{directory}' does not exist.");
        }

        string configPath = Path.Combine(directory, ConfigFileName);
        string modelPath = Path.Combine(directory, ModelFileName);
        foreach (string path in (string[])[configPath, modelPath])
        {
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The checkpoint in '{directory}' has no {Path.GetFileName(path)}.", path);
            }
        }

        CheckpointConfig config;
        try
        {
            config = JsonSerializer.Deserialize<CheckpointConfig>(CheckpointValidation.ReadConfig(configPath, CheckpointValidation.MaxConfigBytes), CheckpointConfig.Json)
                ?? throw new InvalidDataException($"{configPath}: the file holds null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configPath}: not a valid checkpoint config: {e.Message}", e);
        }

        if (config.Format != CheckpointConfig.FormatName || config.FormatVersion != CheckpointConfig.CurrentVersion)
        {
            throw new InvalidDataException($"{configPath}: format '{config.Format}' version {config.FormatVersion}; this build reads '{CheckpointConfig.FormatName}' version {CheckpointConfig.CurrentVersion}.");
        }

        var model = Safetensors.Load(modelPath);
        model.Metadata.TryGetValue(IdMetadataKey, out string? modelId);
        if (modelId != config.CheckpointId && TornConfig(directory) is { } rolledForward)
        {
            // A save torn between its renames: the new model's config is complete in its temporary file (see Save).
            config = rolledForward;
        }

        if (modelId != config.CheckpointId)
        {
            throw new InvalidDataException($"{modelPath}: checkpoint id '{modelId}' differs from {ConfigFileName}'s '{config.CheckpointId}'; the two files come from different saves.");
        }

        model.Metadata.TryGetValue("algo", out string? modelAlgo);
        model.Metadata.TryGetValue("env_id", out string? modelEnv);
        if (modelAlgo != config.Algo || modelEnv != config.EnvId)
        {
            throw new InvalidDataException($"{modelPath}: saved by {modelAlgo} on {modelEnv}, but {ConfigFileName} says {config.Algo} on {config.EnvId}.");
        }

        CheckpointValidation.Check(config, model, configPath, modelPath);

        return (config, model);
    }

    /// <summary>Deserializes the options record of <paramref name="config"/> as <paramref name="type"/>.</summary>
    internal static IAlgorithmOptions Options(CheckpointConfig config, string configPath, Type type)
    {
        try
        {
            return config.Options.Deserialize(type, CheckpointConfig.OptionsJson) as IAlgorithmOptions
                ?? throw new InvalidDataException($"{configPath}: 'options' is null or not a {type.Name}.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configPath}: 'options' is not a valid {type.Name}: {e.Message}", e);
        }
    }

    private static void Restore(IOnPolicyAlgorithm agent, string directory, CheckpointConfig config, SafetensorsFile file)
    {
        string configPath = Path.Combine(directory, ConfigFileName);
        var learner = agent.Learner;
        if (config.Algo != agent.Algorithm || config.EnvId != agent.EnvId || config.NumEnvs != learner.Env.NumEnvs)
        {
            throw new InvalidDataException(
                $"{configPath}: the checkpoint is {config.Algo} on {config.EnvId} x {config.NumEnvs}; the agent is {agent.Algorithm} on {agent.EnvId} x {learner.Env.NumEnvs}.");
        }

        CheckpointTensors.Validate(Path.Combine(directory, ModelFileName), file, agent);
        var state = config.TrainingState;
        ulong[] rng = ParseWords(state.Rng, configPath);
        if (state.Started)
        {
            if (state.EnvSnapshot is null || learner.Env is not ISnapshotVectorEnv snapshotEnv)
            {
                throw new NotSupportedException($"{configPath}: the run was saved mid-training on '{config.EnvId}', whose vector env cannot snapshot its state, so it cannot be resumed exactly (TrainedPolicy.Load still reads it).");
            }

            try
            {
                snapshotEnv.LoadSnapshot(Convert.FromBase64String(state.EnvSnapshot));
            }
            catch (Exception e) when (e is ArgumentException or FormatException)
            {
                throw new InvalidDataException($"{configPath}: the env snapshot is invalid: {e.Message}", e);
            }
        }

        CheckpointTensors.Apply(file, agent);
        learner.Rng.SetState(rng);
        if (state.Started)
        {
            learner.Collector.Restore(state.CollectorEnvSteps, config.Progress.RolloutSeconds, file["collector.raw_observations"].Data, file["collector.observations"].Data);
            learner.MarkStarted();
        }

        CheckpointTensors.ApplyEpisodes(file, learner.Collector.Episodes, state.EpisodeEnvSteps, state.EpisodeCount);
        var progress = learner.Progress;
        progress.EnvSteps = config.Progress.EnvSteps;
        progress.Updates = config.Progress.Updates;
        progress.TotalSteps = config.Progress.TotalSteps ?? 0;
        progress.RolloutSeconds = config.Progress.RolloutSeconds;
        progress.WallSeconds = config.Progress.WallSeconds;
        learner.RestoreWallSeconds(config.Progress.WallSeconds);
        progress.UpdateSeconds = config.Progress.UpdateSeconds;
        progress.SolvedAtEnvSteps = config.Progress.SolvedAtEnvSteps;
        progress.SolvedAtSeconds = config.Progress.SolvedAtSeconds;
        agent.LoadExtraState(config.AlgorithmState ?? new Dictionary<string, double>());
    }

    private static CheckpointConfig BuildConfig(IOnPolicyAlgorithm agent, string id)
    {
        var learner = agent.Learner;
        var progress = learner.Progress;
        var episodes = learner.Collector.Episodes;
        var assembly = typeof(Checkpoint).Assembly;
        return new CheckpointConfig
        {
            Format = CheckpointConfig.FormatName,
            FormatVersion = CheckpointConfig.CurrentVersion,
            CheckpointId = id,
            Algo = agent.Algorithm,
            EnvId = agent.EnvId,
            NumEnvs = learner.Env.NumEnvs,
            MaxEpisodeSteps = learner.Env.MaxEpisodeSteps,
            Seed = learner.Options.Seed,
            Options = JsonSerializer.SerializeToNode(agent.Options, agent.Options.GetType(), CheckpointConfig.OptionsJson)!.AsObject(),
            ObservationSpace = SpaceJson.From(learner.Env.SingleObservationSpace),
            ActionSpace = SpaceJson.From(learner.Env.SingleActionSpace),
            ObservationNormalizer = learner.ObservationNormalizer is { } o ? new NormalizerJson(o.Clip, o.Epsilon) : null,
            RewardScaler = learner.RewardScaler is { } r ? new NormalizerJson(r.Clip, r.Epsilon) : null,
            Progress = new ProgressJson
            {
                EnvSteps = progress.EnvSteps,
                Updates = progress.Updates,
                TotalSteps = progress.TotalSteps > 0 ? progress.TotalSteps : null,
                Episodes = episodes.EpisodeCount,
                MeanReturn = episodes.MeanReturn,
                WallSeconds = progress.WallSeconds,
                RolloutSeconds = learner.Collector.Seconds,
                UpdateSeconds = progress.UpdateSeconds,
                SolvedAtEnvSteps = progress.SolvedAtEnvSteps,
                SolvedAtSeconds = progress.SolvedAtSeconds,
            },
            AlgorithmState = ExtraState(agent),
            LibraryVersion = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? assembly.GetName().Version?.ToString(),
            DotnetVersion = RuntimeInformation.FrameworkDescription,
            SavedAt = DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture),
            TrainingState = new TrainingStateJson
            {
                Started = learner.Started,
                Rng = Array.ConvertAll(learner.Rng.GetState(), w => "0x" + w.ToString("x16", CultureInfo.InvariantCulture)),
                EnvSnapshot = learner.Started && learner.Env is ISnapshotVectorEnv env ? Convert.ToBase64String(env.SaveSnapshot()) : null,
                CollectorEnvSteps = learner.Collector.EnvSteps,
                EpisodeEnvSteps = episodes.EnvSteps,
                EpisodeCount = episodes.EpisodeCount,
            },
        };
    }

    private static Dictionary<string, double>? ExtraState(IOnPolicyAlgorithm agent)
    {
        var state = new Dictionary<string, double>(StringComparer.Ordinal);
        agent.SaveExtraState(state);
        return state.Count > 0 ? state : null;
    }

    private static ulong[] ParseWords(string[] words, string configPath)
    {
        var result = new ulong[words.Length];
        for (int i = 0; i < words.Length; i++)
        {
            string w = words[i];
            if (w is null || !w.StartsWith("0x", StringComparison.Ordinal) || !ulong.TryParse(w.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out result[i]))
            {
                throw new InvalidDataException($"{configPath}: training_state.rng[{i}] = '{w}' is not a 0x-prefixed 64-bit hex word.");
            }
        }

        if (result.Length != 4 || Array.TrueForAll(result, w => w == 0))
        {
            throw new InvalidDataException($"{configPath}: training_state.rng must hold 4 words, not all zero.");
        }

        return result;
    }
}
