using System.Text.Json;
using System.Text.Json.Nodes;
using Tensorless.Autodiff.Serialization;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Checkpoints;

/// <summary>
/// The checks every checkpoint reader shares (<see cref="Checkpoint.Resume"/>, <see cref="Checkpoint.Restore(Algorithms.IOnPolicyAlgorithm, string)"/>
/// and <see cref="TrainedPolicy.Load"/> all go through <see cref="Checkpoint.Read"/>), made before anything is allocated
/// from the config's numbers: the config file's size, the envelope's fields, counts and spaces, and the network's
/// parameter count against the numbers the model file actually holds. Files come from elsewhere, so every failure is an
/// <see cref="InvalidDataException"/> that names the file and the field.
/// </summary>
internal static class CheckpointValidation
{
    /// <summary>The largest config.json read (16 MiB; a real one is a few kilobytes plus the env snapshot).</summary>
    public const int MaxConfigBytes = 16 << 20;

    /// <summary>Reads at most <paramref name="maxBytes"/> bytes of UTF-8, failing as soon as the file proves longer (a device such as /dev/zero included).</summary>
    /// <exception cref="InvalidDataException">The file is longer than the limit or not UTF-8.</exception>
    public static byte[] ReadConfig(string path, int maxBytes)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        if (stream.CanSeek && stream.Length > maxBytes)
        {
            throw new InvalidDataException($"{path}: the file is {stream.Length} bytes; a checkpoint config is at most {maxBytes}.");
        }

        var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = stream.Read(chunk, 0, chunk.Length)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidDataException($"{path}: the file holds more than {maxBytes} bytes, the most a checkpoint config may.");
            }

            buffer.Write(chunk, 0, read);
        }

        byte[] bytes = buffer.ToArray();
        if (!System.Text.Unicode.Utf8.IsValid(bytes))
        {
            // Checked up front: System.Text.Json defers some decoding, and would fail later with InvalidOperationException.
            throw new InvalidDataException($"{path}: the file is not UTF-8 text, so not a checkpoint config.");
        }

        return bytes;
    }

    /// <summary>Checks the envelope of a deserialized config against itself and against the model file.</summary>
    /// <exception cref="InvalidDataException">A field is missing, out of range or inconsistent with the model file.</exception>
    public static void Check(CheckpointConfig config, SafetensorsFile model, string configPath, string modelPath)
    {
        if (config.NumEnvs < 1 || config.NumEnvs > OnPolicyOptions.MaxNumEnvs)
        {
            throw new InvalidDataException($"{configPath}: num_envs = {config.NumEnvs} is outside [1, {OnPolicyOptions.MaxNumEnvs}].");
        }

        var state = config.TrainingState;
        var progress = config.Progress;
        foreach (var (name, value) in (ReadOnlySpan<(string, long)>)[
            ("training_state.collector_env_steps", state.CollectorEnvSteps), ("training_state.episode_env_steps", state.EpisodeEnvSteps),
            ("training_state.episode_count", state.EpisodeCount), ("progress.env_steps", progress.EnvSteps), ("progress.updates", progress.Updates)])
        {
            if (value < 0)
            {
                throw new InvalidDataException($"{configPath}: {name} = {value} is negative.");
            }
        }

        if (model.TryGet("collector.raw_observations", out var raw) && (raw.Shape.Count != 2 || raw.Shape[0] != config.NumEnvs))
        {
            throw new InvalidDataException($"{configPath}: num_envs = {config.NumEnvs}, but {modelPath} holds collector rows of shape {raw.ShapeText}.");
        }

        var observationSpace = config.ObservationSpace.ToSpace($"{configPath}: observation_space");
        var actionSpace = config.ActionSpace.ToSpace($"{configPath}: action_space");
        var policy = ReadPolicyOptions(config, configPath);
        var (head, gaussian) = actionSpace switch
        {
            Discrete d => (d.N, false),
            Box b => (b.Size, true),
            _ => throw new InvalidDataException($"{configPath}: action_space {actionSpace} is neither Discrete nor Box."),
        };
        long needed = policy.ParameterCount(observationSpace.FlatSize, head, gaussian);
        long held = 0;
        foreach (var t in model.Tensors)
        {
            held += t.Data.Length;
        }

        if (needed > PolicyOptions.MaxParameters || needed > held)
        {
            // Bounds the policy's allocation by what the model file holds, before the policy is built.
            throw new InvalidDataException($"{configPath}: the network it describes ({observationSpace.FlatSize} observations, hidden sizes [{string.Join(", ", policy.EffectiveActorHiddenSizes)}], {head} outputs) has {needed} parameters, but {modelPath} holds only {held} numbers in all.");
        }
    }

    /// <summary>The validated <c>options.OnPolicy.Policy</c> record of <paramref name="config"/>.</summary>
    /// <exception cref="InvalidDataException">The record is missing, malformed or invalid.</exception>
    public static PolicyOptions ReadPolicyOptions(CheckpointConfig config, string configPath)
    {
        if (config.Options["OnPolicy"] is not JsonObject shared || shared["Policy"] is not JsonObject node)
        {
            throw new InvalidDataException($"{configPath}: 'options' has no 'OnPolicy.Policy' record.");
        }

        PolicyOptions options;
        try
        {
            options = node.Deserialize<PolicyOptions>(CheckpointConfig.OptionsJson) ?? throw new InvalidDataException($"{configPath}: 'options.OnPolicy.Policy' is null.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{configPath}: 'options.OnPolicy.Policy' is not a valid PolicyOptions: {e.Message}", e);
        }

        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: 'options.OnPolicy.Policy' is invalid: {e.Message}", e);
        }

        return options;
    }

    /// <summary>Checks that the env rebuilt for a resume has the spaces the config records (a resume must refuse what a load refuses).</summary>
    /// <exception cref="InvalidDataException">A space differs.</exception>
    public static void CheckSpaces(CheckpointConfig config, Space observationSpace, Space actionSpace, string configPath)
    {
        foreach (var (name, saved, actual) in (ReadOnlySpan<(string, SpaceJson, Space)>)[("observation_space", config.ObservationSpace, observationSpace), ("action_space", config.ActionSpace, actionSpace)])
        {
            string savedText = saved.ToSpace($"{configPath}: {name}").ToString() ?? "";
            if (JsonSerializer.Serialize(saved, CheckpointConfig.Json) != JsonSerializer.Serialize(SpaceJson.From(actual), CheckpointConfig.Json))
            {
                throw new InvalidDataException($"{configPath}: {name} is {savedText}, but {config.EnvId} has {actual}; the config does not describe this env.");
            }
        }
    }
}
