using Tensorless.Autodiff;
using Tensorless.Autodiff.Distributions;
using Tensorless.Autodiff.Nn;
using NnActivation = Tensorless.Autodiff.Nn.Activation;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Rl.Options;

namespace Tensorless.Rl.Policies;

/// <summary>
/// An actor-critic over the autodiff engine: separate actor and critic MLPs, or a shared trunk with two linear heads.
/// A <see cref="Discrete"/> action space gets a categorical head (logits); a <see cref="Box"/> space a diagonal Gaussian
/// whose mean comes from the actor and whose log-std is one state-independent parameter, as in SB3 and CleanRL.
/// Rollouts call <see cref="Act"/> on an inference tape (no recording); updates call <see cref="Evaluate"/> on a
/// recording tape (CleanRL's <c>get_action_and_value</c>, split in two).
/// </summary>
public sealed class ActorCriticPolicy : IModule
{
    private readonly Mlp? _trunk;
    private readonly Mlp _actor;
    private readonly Mlp _critic;
    private readonly Parameter? _logStd;
    private readonly Categorical _categorical = new();
    private readonly DiagonalGaussian _gaussian = new();
    private readonly NnActivation _activation;

    /// <summary>Builds the networks for the given spaces, drawing initial weights from <paramref name="rng"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid or a space is not Discrete/Box.</exception>
    public ActorCriticPolicy(Space observationSpace, Space actionSpace, PolicyOptions options, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(observationSpace);
        ArgumentNullException.ThrowIfNull(actionSpace);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (observationSpace is not Box)
        {
            throw new ArgumentException($"The policy needs a Box observation space, got {observationSpace}.", nameof(observationSpace));
        }

        ObservationSpace = observationSpace;
        ActionSpace = actionSpace;
        Options = options;
        ObservationSize = observationSpace.FlatSize;
        (IsDiscrete, HeadSize, ActionSize) = actionSpace switch
        {
            Discrete d => (true, d.N, 1),
            Box b => (false, b.Size, b.Size),
            _ => throw new ArgumentException($"The policy supports Discrete and Box action spaces, got {actionSpace}.", nameof(actionSpace)),
        };
        long parameterCount = options.ParameterCount(ObservationSize, HeadSize, !IsDiscrete);
        if (parameterCount > PolicyOptions.MaxParameters)
        {
            throw new ArgumentException($"The policy would have {parameterCount} parameters for {ObservationSize} observations and {HeadSize} outputs; the limit is {PolicyOptions.MaxParameters}.", nameof(options));
        }

        var activation = options.Activation;
        _activation = activation;
        var hiddenInit = options.OrthogonalInit ? InitScheme.Orthogonal : InitScheme.PyTorchDefault;
        // CleanRL's layer_init: hidden layers gain sqrt(2), the actor's output 0.01 and the critic's 1.0
        var actorInit = new MlpInit { Scheme = hiddenInit, OutputGain = 0.01, ZeroLastLayer = options.ZeroInitLastLayers };
        var criticInit = new MlpInit { Scheme = hiddenInit, OutputGain = 1.0, ZeroLastLayer = options.ZeroInitLastLayers };
        Parameters = new ParameterSet();
        if (options.SharedTrunk)
        {
            int[] trunkSizes = [ObservationSize, .. options.EffectiveActorHiddenSizes];
            // every trunk layer is a hidden layer of the whole network: gain sqrt(2) for its last one too (issue 13)
            _trunk = new Mlp("trunk", trunkSizes, activation, rng, MlpInit.Trunk(hiddenInit));
            int width = trunkSizes[^1];
            _actor = new Mlp("actor", [width, HeadSize], activation, rng, actorInit);
            _critic = new Mlp("critic", [width, 1], activation, rng, criticInit);
            Parameters.AddRange(_trunk.Parameters);
        }
        else
        {
            _actor = new Mlp("actor", [ObservationSize, .. options.EffectiveActorHiddenSizes, HeadSize], activation, rng, actorInit);
            _critic = new Mlp("critic", [ObservationSize, .. options.EffectiveCriticHiddenSizes, 1], activation, rng, criticInit);
        }

        ActorParameters = new ParameterSet();
        if (_trunk is not null)
        {
            ActorParameters.AddRange(_trunk.Parameters);
        }

        ActorParameters.AddRange(_actor.Parameters);
        if (!IsDiscrete)
        {
            _logStd = new Parameter("log_std", 1, ActionSize);
            _logStd.Data.Fill(options.LogStdInit);
            ActorParameters.AddVector(_logStd);
        }

        CriticParameters = new ParameterSet(_critic.Parameters);
        Parameters.AddRange(_actor.Parameters);
        if (_logStd is not null)
        {
            Parameters.AddVector(_logStd);
        }

        Parameters.AddRange(_critic.Parameters);
    }

    /// <summary>The observation space the policy was built for.</summary>
    public Space ObservationSpace { get; }

    /// <summary>The action space the policy acts in.</summary>
    public Space ActionSpace { get; }

    /// <summary>The options the networks were built from.</summary>
    public PolicyOptions Options { get; }

    /// <summary>True for a categorical head over a Discrete space.</summary>
    public bool IsDiscrete { get; }

    /// <summary>Flat observation size.</summary>
    public int ObservationSize { get; }

    /// <summary>Numbers per action: 1 for Discrete (the index), the Box size otherwise.</summary>
    public int ActionSize { get; }

    /// <summary>Width of the actor's output: category count or Gaussian dimension.</summary>
    public int HeadSize { get; }

    /// <summary>Every parameter, with checkpoint names (<c>actor.0.weight</c>, <c>log_std</c>, <c>critic.2.bias</c>, ...).</summary>
    public ParameterSet Parameters { get; }

    /// <summary>Parameters that shape the action distribution (trunk, actor, log-std).</summary>
    public ParameterSet ActorParameters { get; }

    /// <summary>Parameters of the critic's own layers (a shared trunk is listed under the actor).</summary>
    public ParameterSet CriticParameters { get; }

    /// <summary>True when actor and critic share no parameter, so they can be trained by separate optimizers.</summary>
    public bool HasSeparateNetworks => _trunk is null;

    /// <summary>
    /// The actor's network, whose output is the distribution's parameters (logits, or the Gaussian mean); with a shared
    /// trunk it is the head after the trunk. For algorithms that need more than <see cref="Evaluate"/>: TRPO's exact
    /// Fisher-vector products run its forward-mode derivative (<see cref="Mlp.ForwardWithTangent"/>).
    /// </summary>
    internal Mlp ActorNetwork => _actor;

    /// <summary>
    /// Snapshots every layer's transposed weight for inference until the returned scope is disposed, so a rollout's
    /// many small forward passes skip transposing the weights each time; the actions, log-probabilities and values are
    /// the same bits as without it. Do not change the weights while the scope is open.
    /// </summary>
    public InferenceSnapshot SnapshotWeights()
    {
        _trunk?.TakeInferenceSnapshot();
        _actor.TakeInferenceSnapshot();
        _critic.TakeInferenceSnapshot();
        return new InferenceSnapshot(this);
    }

    /// <summary>Ends an inference snapshot taken by <see cref="SnapshotWeights"/>.</summary>
    public readonly struct InferenceSnapshot(ActorCriticPolicy policy) : IDisposable
    {
        /// <summary>Makes inference read the weights themselves again.</summary>
        public void Dispose()
        {
            policy._trunk?.ReleaseInferenceSnapshot();
            policy._actor.ReleaseInferenceSnapshot();
            policy._critic.ReleaseInferenceSnapshot();
        }
    }

    /// <summary>
    /// A data-parallel replica: the same networks, reading and writing this policy's weights, with gradient buffers of its
    /// own, so another thread can run forward and backward on it at the same time (see <see cref="Training.DataParallelRunner"/>).
    /// </summary>
    public ActorCriticPolicy CreateReplica()
    {
        var replica = new ActorCriticPolicy(ObservationSpace, ActionSpace, Options, new Xoshiro256(0));
        replica.Parameters.ShareValuesWith(Parameters);
        return replica;
    }

    /// <summary>
    /// Runs the policy on <paramref name="count"/> observations without recording: samples (or, with
    /// <paramref name="deterministic"/>, takes the mode of) an action per row and writes its log-probability and V(s).
    /// </summary>
    /// <exception cref="ArgumentException">A span's length does not match count.</exception>
    public void Act(Tape tape, ReadOnlySpan<double> observations, int count, Xoshiro256 rng, bool deterministic,
        Span<double> actions, Span<double> values, Span<double> logProbs)
    {
        CheckLength(nameof(actions), actions.Length, count * ActionSize);
        CheckLength(nameof(values), values.Length, count);
        CheckLength(nameof(logProbs), logProbs.Length, count);
        var obs = Input(tape, observations, count);
        var features = Trunk(tape, obs);
        var head = _actor.Forward(tape, features);
        var dist = Distribution(tape, head);
        if (deterministic)
        {
            dist.Mode(actions);
        }
        else
        {
            dist.Sample(rng, actions);
        }

        dist.LogProb(actions, logProbs);
        _critic.Forward(tape, features).Data.CopyTo(values);
    }

    /// <summary>Writes the actions the policy takes on <paramref name="count"/> observations (no log-probs or values).</summary>
    public void Predict(Tape tape, ReadOnlySpan<double> observations, int count, Xoshiro256? rng, bool deterministic, Span<double> actions)
    {
        CheckLength(nameof(actions), actions.Length, count * ActionSize);
        if (!deterministic && rng is null)
        {
            throw new ArgumentException("Stochastic actions need a random generator.", nameof(rng));
        }

        var dist = Distribution(tape, _actor.Forward(tape, Trunk(tape, Input(tape, observations, count))));
        if (deterministic)
        {
            dist.Mode(actions);
        }
        else
        {
            dist.Sample(rng!, actions);
        }
    }

    /// <summary>Writes V(s) for <paramref name="count"/> observations.</summary>
    public void PredictValues(Tape tape, ReadOnlySpan<double> observations, int count, Span<double> values)
    {
        CheckLength(nameof(values), values.Length, count);
        _critic.Forward(tape, Trunk(tape, Input(tape, observations, count))).Data.CopyTo(values);
    }

    /// <summary>
    /// Re-scores taken actions on a (recording) tape: log-probability, entropy and, with <paramref name="withValue"/>, V(s).
    /// </summary>
    public PolicyEvaluation Evaluate(Tape tape, Tensor observations, Tensor actions, bool withValue = true)
    {
        var features = Trunk(tape, observations);
        var head = _actor.Forward(tape, features);
        Tensor logProb, entropy;
        if (IsDiscrete)
        {
            logProb = tape.CategoricalLogProb(head, actions);
            entropy = tape.CategoricalEntropy(head);
        }
        else
        {
            logProb = tape.GaussianLogProb(head, _logStd!, actions);
            entropy = tape.GaussianEntropy(_logStd!);
        }

        return new PolicyEvaluation(logProb, entropy, withValue ? _critic.Forward(tape, features) : null);
    }

    /// <summary>V(s) on a (recording) tape, for the separate value-fitting phase.</summary>
    public Tensor Value(Tape tape, Tensor observations) => _critic.Forward(tape, Trunk(tape, observations));

    /// <summary>
    /// The actor's output for (already normalised) observations: categorical logits, or the Gaussian mean before any
    /// clipping to the action space. The same forward pass <see cref="Act"/> and <see cref="Predict"/> run, for
    /// exporters and for checking them.
    /// </summary>
    public Tensor ActorOutput(Tape tape, Tensor observations) => _actor.Forward(tape, Trunk(tape, observations));

    /// <summary>
    /// The linear layers from observation to actor output in order (a shared trunk's, then the actor's own), with
    /// <see cref="PolicyOptions.Activation"/> applied between each consecutive pair and after none of the last; a
    /// description of <see cref="ActorOutput"/> for exporters. Read-only: writing the weights changes the policy.
    /// </summary>
    public IReadOnlyList<Linear> ActorLayers => _trunk is null ? _actor.Layers : [.. _trunk.Layers, .. _actor.Layers];

    /// <summary>
    /// The critic's linear layers from its input (the observation, or a shared trunk's output) to V(s), with
    /// <see cref="PolicyOptions.Activation"/> between consecutive layers and after none of the last. Read-only, as <see cref="ActorLayers"/>.
    /// </summary>
    public IReadOnlyList<Linear> CriticLayers => _critic.Layers;

    /// <summary>The state-independent Gaussian log-std (1 x <see cref="ActionSize"/>), or null for a Discrete space.</summary>
    public Parameter? LogStd => _logStd;

    private IDistribution Distribution(Tape tape, Tensor head) =>
        IsDiscrete ? _categorical.Bind(head) : _gaussian.Bind(head, _logStd!);

    private Tensor Trunk(Tape tape, Tensor obs)
    {
        if (_trunk is null)
        {
            return obs;
        }

        var h = _trunk.Forward(tape, obs);
        return _activation switch
        {
            NnActivation.Relu => tape.Relu(h),
            NnActivation.Tanh => tape.Tanh(h),
            _ => h,
        };
    }

    private Tensor Input(Tape tape, ReadOnlySpan<double> observations, int count)
    {
        CheckLength(nameof(observations), observations.Length, count * ObservationSize);
        return tape.Constant(observations, count, ObservationSize);
    }

    private static void CheckLength(string name, int actual, int expected)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"The policy needs {name} of length {expected}, got {actual}.", name);
        }
    }
}
