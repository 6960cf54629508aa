using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Core;
using Tensorless.Envs.Spaces;
using Tensorless.Gpu.Kernels;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>
/// Rollouts on a device (issue 11) for K learners at once (a population; K = 1 for a single agent), step for step the
/// CPU's <see cref="RolloutCollector"/> over a built-in classic-control env: every member's actor in one batched GEMM
/// per layer, the action draws (one device thread per member, from the member's own xoshiro256** in the CPU's order),
/// the log-probabilities and V(s), the Box clipping, the K x N envs' physics, time limits and same-step autoresets from
/// each env's own PCG64 stream, V of the truncated episodes' final observations, then V of the last observations and
/// GAE. Nothing crosses to the host inside the loop; each rollout is downloaded once, and <see cref="Member"/> hands
/// each learner its part with its envs' states and its generator, so the CPU continues (or checkpoints) exactly where a
/// CPU rollout would have left it. On ILGPU's CPU accelerator the rollout has the CPU's bits wherever the networks'
/// forward pass does: relu and identity networks; a tanh network's device tanh (Math.Tanh) differs from the CPU's
/// (TensorPrimitives') by about one ulp, which a draw or an env can turn into a different trajectory (docs/gpu.md).
/// </summary>
/// <remarks>
/// Every member must share the env id, the env count, the rollout length, the observation and action sizes, the
/// networks' shapes and activation, and have no normalisation; GAE runs on the device when all members use it with the
/// same gamma and lambda, and on the CPU otherwise. Device buffers are time-major over all K x N envs: step t of member
/// k's env i is row <c>t * K * N + k * N + i</c>.
/// </remarks>
internal sealed partial class DeviceRollout : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly IReadOnlyList<OnPolicyLearner> _learners;
    private readonly DeviceEnvModel _model;
    private readonly DeviceMlpStack _actor, _critic;
    private readonly int _members, _n, _all, _steps, _obs, _act, _heads, _limit;
    private readonly bool _discrete, _deviceGae;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _state, _envFinal, _observations, _actions, _rewards, _values, _logProbs,
        _finalObservations, _truncationValues, _lastValues;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>? _packed, _advantages, _returns, _envActions, _low, _high, _logStd, _logStdRows;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _terminated, _truncated, _terminatedBefore;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _elapsed;
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense> _generators, _xoshiro;
    private readonly Staging _host;
    private readonly MemberRollout[] _views;
    private long _tick;

    private DeviceRollout(GpuDevice device, DeviceKernels kernels, IReadOnlyList<OnPolicyLearner> learners, DeviceEnvModel model)
    {
        _device = device;
        _kernels = kernels;
        _learners = learners;
        _model = model;
        var first = learners[0];
        var policy = first.Policy;
        _members = learners.Count;
        _n = first.Env.NumEnvs;
        _all = _members * _n;
        _steps = first.Options.NumSteps;
        _obs = first.Env.ObservationSize;
        _act = first.Env.ActionSize;
        _heads = policy.HeadSize;
        _discrete = policy.IsDiscrete;
        _limit = first.Env.MaxEpisodeSteps ?? int.MaxValue;
        _deviceGae = learners.All(l => l.Options.AdvantageEstimator == AdvantageEstimator.Gae
            && l.Options.Gamma == first.Options.Gamma && l.Options.GaeLambda == first.Options.GaeLambda);
        _actor = new DeviceMlpStack(device, kernels, policy.ActorLayers, policy.Options.Activation, _members);
        _critic = new DeviceMlpStack(device, kernels, policy.CriticLayers, policy.Options.Activation, _members);
        long rows = (long)_steps * _all;
        var a = device.Accelerator;
        _state = device.Allocate((long)_all * model.StateSize);
        _envFinal = device.Allocate((long)_all * _obs);
        _observations = device.Allocate((rows + _all) * _obs); // steps + 1 slots: the last is the observation after the rollout
        _actions = device.Allocate(rows * _act);
        _rewards = device.Allocate(rows);
        _values = device.Allocate(rows);
        _logProbs = device.Allocate(rows);
        _finalObservations = device.Allocate(rows * _obs);
        _truncationValues = device.Allocate(rows);
        _lastValues = device.Allocate(_all);
        _terminated = device.AllocateFlags(rows);
        _truncated = device.AllocateFlags(rows);
        _terminatedBefore = device.AllocateFlags(_all);
        _elapsed = a.Allocate1D<int>(_all);
        _generators = a.Allocate1D<ulong>((long)_all * VectorEnvState.GeneratorWords);
        _xoshiro = a.Allocate1D<ulong>(4L * _members);
        if (first.Env.SingleActionSpace is Box box)
        {
            _envActions = device.Allocate((long)_all * _act);
            _low = device.Upload(box.Low);
            _high = device.Upload(box.High);
        }

        if (_discrete)
        {
            _packed = device.Allocate((long)_all * (_heads + 1));
        }
        else
        {
            _logStd = device.Allocate((long)_members * _act);
            _logStdRows = device.Allocate((long)_all * _act);
        }

        if (_deviceGae)
        {
            _advantages = device.Allocate(rows);
            _returns = device.Allocate(rows);
        }

        _host = new Staging(_members, _n, _steps, _obs, _act, model.StateSize, _deviceGae);
        _views = [.. Enumerable.Range(0, _members).Select(k => new MemberRollout(this, k))];
    }

    /// <summary>The device as <c>--device</c> names it.</summary>
    public string Name => _device.Name;

    /// <summary>Members rolled out together.</summary>
    public int Members => _members;

    /// <summary>The most members one batch holds: the batched GEMM's grid on a GPU takes the members as its third dimension.</summary>
    public const int MaxMembers = 65_535;

    /// <summary>
    /// The rollout of <paramref name="learners"/> on <paramref name="device"/>, or null with the reason (what the device
    /// rollout steps, naming the member that lacks it) when the device cannot step them exactly as the CPU does.
    /// </summary>
    public static DeviceRollout? TryCreate(GpuDevice device, DeviceKernels kernels, IReadOnlyList<OnPolicyLearner> learners, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(learners);
        reason = learners.Count == 0 ? "at least one learner" : learners.Count > MaxMembers ? $"at most {MaxMembers:N0} members (got {learners.Count:N0})" : null;
        var first = learners.Count > 0 ? learners[0] : null;
        var model = first is null ? null : DeviceEnvModel.For(first.Env.Id);
        for (int k = 0; k < learners.Count && reason is null; k++)
        {
            var l = learners[k];
            string who = learners.Count == 1 ? "" : $" (member {k})";
            reason = l.Env is not ClassicVectorEnv ? $"the built-in envs made by Gym.MakeVector{who}: {l.Env.Id} is a {l.Env.GetType().Name}"
                : model is null || model.StateSize != ((ClassicVectorEnv)l.Env).StateSize || model.ObservationSize != l.Env.ObservationSize
                    ? $"one of {string.Join(", ", DeviceEnvModel.Ids)} (not {l.Env.Id})"
                : l.ObservationNormalizer is not null ? $"no observation normalisation (normalize_observations=false){who}"
                : l.RewardScaler is not null ? $"no reward normalisation (normalize_rewards=false){who}"
                : !l.Policy.HasSeparateNetworks ? $"separate actor and critic networks (policy.shared_trunk=false){who}"
                : k > 0 && !SameShape(first!, l) ? $"members that share the env, its count and time limit, the rollout length and the networks' shapes and activation (member {k} differs from member 0)"
                : null;
        }

        if (reason is null && (long)first!.Options.NumSteps * learners.Count * first.Env.NumEnvs * Math.Max(first.Env.ObservationSize, first.Env.ActionSize) > Array.MaxLength)
        {
            reason = $"a batch whose rollout fits one array: {learners.Count:N0} members x {first.Env.NumEnvs} envs x {first.Options.NumSteps} steps x {first.Env.ObservationSize} observation values is too many";
        }

        if (reason is not null)
        {
            reason = $"the device rollout steps {reason}";
            return null;
        }

        return new DeviceRollout(device, kernels, learners, model!);
    }

    /// <summary>
    /// Member <paramref name="k"/>'s rollout as its collector takes it. With <paramref name="onDemand"/> (a single agent)
    /// its <see cref="IRolloutDevice.Collect"/> runs the batch itself; otherwise <see cref="CollectAll"/> must have run
    /// since the member last took one (a population's tick).
    /// </summary>
    public IRolloutDevice Member(int k, bool onDemand = false)
    {
        _views[k].OnDemand = onDemand;
        return _views[k];
    }

    /// <summary>
    /// One rollout of every member from its learner's current parameters, envs, generator and observations (the envs are
    /// reset first where a learner has not started); the results wait on the host until each member takes them. A
    /// member whose learner does not take its rollout keeps its CPU state: the next batch starts from it again.
    /// </summary>
    /// <exception cref="ArgumentException">A member's policy produced a non-finite log-probability or value (NaN or
    /// infinite logits or means), which the CPU's distributions refuse too; the members' CPU states are left as they were.</exception>
    public void CollectAll()
    {
        _host.Tick = 0; // a batch that fails part way must not be taken
        _tick++;
        long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
        Upload();
        for (int t = 0; t < _steps; t++)
        {
            Step(t);
        }

        var last = _critic.Forward(Slot(_observations, _steps, _all * _obs), _n);
        _kernels.Scale(last, 1.0, _lastValues.View, _all); // a copy
        if (_deviceGae)
        {
            var options = _learners[0].Options;
            _kernels.Gae(_rewards.View, _values.View, _terminated.View, _truncated.View, _truncationValues.View, _lastValues.View,
                _steps, _all, options.Gamma, options.Gamma * options.GaeLambda, _advantages!.View, _returns!.View);
        }

        Download();
        _host.Seconds = System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _actor.Dispose();
        _critic.Dispose();
        foreach (var buffer in new MemoryBuffer?[]
        {
            _state, _envFinal, _observations, _actions, _rewards, _values, _logProbs, _packed, _finalObservations, _truncationValues,
            _lastValues, _advantages, _returns, _envActions, _low, _high, _logStd, _logStdRows, _terminated, _truncated,
            _terminatedBefore, _elapsed, _generators, _xoshiro,
        })
        {
            buffer?.Dispose();
        }
    }

    private static bool SameShape(OnPolicyLearner a, OnPolicyLearner b) =>
        a.Env.Id == b.Env.Id && a.Env.NumEnvs == b.Env.NumEnvs && a.Env.MaxEpisodeSteps == b.Env.MaxEpisodeSteps
        && a.Options.NumSteps == b.Options.NumSteps && a.Policy.Options.Activation == b.Policy.Options.Activation
        && Shape(a.Policy.ActorLayers).SequenceEqual(Shape(b.Policy.ActorLayers))
        && Shape(a.Policy.CriticLayers).SequenceEqual(Shape(b.Policy.CriticLayers));

    private static IEnumerable<(int, int, bool)> Shape(IReadOnlyList<Autodiff.Nn.Linear> layers) =>
        layers.Select(l => (l.InFeatures, l.OutFeatures, l.Bias is not null));

    private static ArrayView<T> Slot<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer, int t, int width)
        where T : unmanaged => buffer.View.SubView((long)t * width, width);
}
