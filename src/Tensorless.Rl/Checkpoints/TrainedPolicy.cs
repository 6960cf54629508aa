using System.Text.Json;
using System.Text.Json.Nodes;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Serialization;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Normalization;
using Tensorless.Rl.Options;
using Tensorless.Rl.Policies;

namespace Tensorless.Rl.Checkpoints;

/// <summary>
/// A trained policy loaded from a checkpoint for use outside training (DESIGN's <c>Policy.Load</c>): the actor-critic's
/// weights, the observation normaliser's saved statistics and the spaces, with <see cref="Act(ReadOnlySpan{double}, bool)"/>
/// mapping a raw observation to an env action. Needs only the two checkpoint files, not the env registry. Not thread-safe.
/// </summary>
public sealed class TrainedPolicy : IActingPolicy
{
    private readonly PolicyActor _actor;
    private Xoshiro256 _rng;

    private TrainedPolicy(string algorithm, string envId, int? maxEpisodeSteps, ActorCriticPolicy policy, ObservationNormalizer? normalizer)
    {
        Algorithm = algorithm;
        EnvId = envId;
        MaxEpisodeSteps = maxEpisodeSteps;
        Normalizer = normalizer;
        _actor = new PolicyActor(policy, normalizer);
        _rng = new Xoshiro256(0);
    }

    /// <summary>The algorithm that trained it (<c>ppo</c>, <c>a2c</c>).</summary>
    public string Algorithm { get; }

    /// <summary>Registry id of the env it was trained on.</summary>
    public string EnvId { get; }

    /// <summary>
    /// The time limit of the envs it was trained on, which <see cref="Evaluation.Evaluator"/> evaluates it under; null
    /// when the checkpoint predates the field (the registry's limit for <see cref="EnvId"/> then applies).
    /// </summary>
    public int? MaxEpisodeSteps { get; }

    /// <inheritdoc />
    public Space ObservationSpace => _actor.ObservationSpace;

    /// <inheritdoc />
    public Space ActionSpace => _actor.ActionSpace;

    /// <summary>The network.</summary>
    public ActorCriticPolicy Network => _actor.Policy;

    /// <summary>The saved observation statistics (never updated here), or null when the run did not normalise.</summary>
    public ObservationNormalizer? Normalizer { get; }

    /// <summary>Loads <c>model.safetensors</c> and <c>config.json</c> from <paramref name="directory"/>.</summary>
    /// <exception cref="FileNotFoundException">A file is missing.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt or a policy tensor is missing or misshapen; the message names the file.</exception>
    public static TrainedPolicy Load(string directory)
    {
        var (config, file) = Checkpoint.Read(directory);
        string configPath = Path.Combine(directory, Checkpoint.ConfigFileName);
        string modelPath = Path.Combine(directory, Checkpoint.ModelFileName);
        if (config.MaxEpisodeSteps is <= 0)
        {
            throw new InvalidDataException($"{configPath}: max_episode_steps must be positive, got {config.MaxEpisodeSteps}.");
        }

        var observationSpace = config.ObservationSpace.ToSpace($"{configPath}: observation_space");
        var actionSpace = config.ActionSpace.ToSpace($"{configPath}: action_space");
        var policyOptions = CheckpointValidation.ReadPolicyOptions(config, configPath);
        ActorCriticPolicy policy;
        try
        {
            policy = new ActorCriticPolicy(observationSpace, actionSpace, policyOptions, new Xoshiro256(0));
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{configPath}: cannot build the policy: {e.Message}", e);
        }

        ObservationNormalizer? normalizer = null;
        try
        {
            ModuleCheckpoint.LoadInto(policy.Parameters, file, strict: false);
            if (config.ObservationNormalizer is { } settings)
            {
                normalizer = new ObservationNormalizer(policy.ObservationSize, settings.Clip, settings.Epsilon) { Training = false };
                normalizer.LoadState(Statistics(file, normalizer.State.Keys));
            }
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{modelPath}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{modelPath}: {e.Message}", e);
        }

        return new TrainedPolicy(config.Algo, config.EnvId, config.MaxEpisodeSteps, policy, normalizer);
    }

    /// <summary>Restarts the generator used by stochastic <see cref="Act(ReadOnlySpan{double}, bool)"/> calls.</summary>
    public void Reseed(ulong seed) => _rng = new Xoshiro256(seed);

    /// <summary>The action for one raw observation (a Discrete action is its index as a one-element array).</summary>
    /// <exception cref="ArgumentException">The observation has the wrong length.</exception>
    public double[] Act(ReadOnlySpan<double> observation, bool deterministic = true)
    {
        if (observation.Length != ObservationSpace.FlatSize)
        {
            throw new ArgumentException($"{EnvId}: an observation has {ObservationSpace.FlatSize} values, got {observation.Length}.", nameof(observation));
        }

        var action = new double[ActionSpace.FlatSize];
        Act(observation, action, deterministic);
        return action;
    }

    /// <summary>Writes one action row per observation row; stochastic actions come from the policy's own generator.</summary>
    /// <exception cref="ArgumentException">A length is wrong.</exception>
    public void Act(ReadOnlySpan<double> observations, Span<double> actions, bool deterministic = true) =>
        _actor.Act(observations, actions, deterministic, _rng);

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observations, Span<double> actions, bool deterministic, Xoshiro256? rng) =>
        _actor.Act(observations, actions, deterministic, rng);

    private static Dictionary<string, double[]> Statistics(SafetensorsFile file, IEnumerable<string> names) =>
        names.ToDictionary(name => name, name => file.TryGet(name, out var t)
            ? t.Data
            : throw new InvalidDataException($"the config says observations were normalised, but there is no '{name}' tensor."));
}
