using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Normalization;

namespace Tensorless.Rl.Policies;

/// <summary>
/// Runs an <see cref="ActorCriticPolicy"/> on raw observations: normalises them with an observation normaliser's current
/// statistics (never updating them, so evaluating a live agent leaves its training state alone), takes the mode or a
/// sample, and clips Box actions to the space as the rollout collector does before stepping an env. Not thread-safe: it
/// reuses one inference tape and its buffers.
/// </summary>
public sealed class PolicyActor : IActingPolicy
{
    private readonly Tape _tape = new(recording: false);
    private readonly ObservationNormalizer? _normalizer;
    private double[] _normalized = [];

    /// <summary>Wraps <paramref name="policy"/> with an optional normaliser (the agent's own, used read-only).</summary>
    /// <exception cref="ArgumentException">The normaliser's size differs from the policy's observation size.</exception>
    public PolicyActor(ActorCriticPolicy policy, ObservationNormalizer? normalizer)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (normalizer is not null && normalizer.ObservationSize != policy.ObservationSize)
        {
            throw new ArgumentException($"The normaliser has {normalizer.ObservationSize} features, the policy {policy.ObservationSize}.", nameof(normalizer));
        }

        Policy = policy;
        _normalizer = normalizer;
    }

    /// <summary>The network.</summary>
    public ActorCriticPolicy Policy { get; }

    /// <inheritdoc />
    public Space ObservationSpace => Policy.ObservationSpace;

    /// <inheritdoc />
    public Space ActionSpace => Policy.ActionSpace;

    /// <inheritdoc />
    public void Act(ReadOnlySpan<double> observations, Span<double> actions, bool deterministic, Xoshiro256? rng)
    {
        int size = Policy.ObservationSize;
        if (observations.Length == 0 || observations.Length % size != 0)
        {
            throw new ArgumentException($"Observations must be a positive multiple of {size} values, got {observations.Length}.", nameof(observations));
        }

        int count = observations.Length / size;
        ReadOnlySpan<double> input = observations;
        if (_normalizer is not null)
        {
            if (_normalized.Length != observations.Length)
            {
                _normalized = new double[observations.Length];
            }

            _normalizer.NormalizeWithoutUpdate(observations, _normalized);
            input = _normalized;
        }

        _tape.Reset();
        Policy.Predict(_tape, input, count, rng, deterministic, actions);
        if (Policy.ActionSpace is Box box)
        {
            int d = box.Size;
            for (int i = 0; i < actions.Length; i++)
            {
                actions[i] = Math.Clamp(actions[i], box.Low[i % d], box.High[i % d]);
            }
        }
    }
}
