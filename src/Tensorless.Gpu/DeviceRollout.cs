using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;
using Tensorless.Gpu.Heads;
using Tensorless.Rl.Advantages;
using Tensorless.Rl.Buffers;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>
/// A whole rollout on a device (issue 11), step for step the CPU's <see cref="RolloutCollector"/> over a built-in
/// classic-control env: the actor and the action draw (one device thread draws every env's action from the learner's
/// xoshiro256** in the CPU's order), the log-probability and V(s), the Box clipping, the env's physics, its time limit
/// and same-step autoreset from each env's own PCG64 stream, then V of the last observations, the truncation bootstrap
/// and GAE. Nothing crosses to the host inside the loop. At the end the rollout is copied into the CPU buffer, and the
/// envs' states, step counts and generators and the learner's generator are handed back, so the CPU continues (or
/// checkpoints) exactly where a CPU rollout would have left it.
/// </summary>
internal sealed class DeviceRollout : IRolloutDevice, IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly DeviceMlp _actor, _critic;
    private readonly DevicePolicyHead _head;
    private readonly IExportableVectorEnv _env;
    private readonly DeviceEnvModel _model;
    private readonly int _n, _steps, _obs, _act, _limit;
    private readonly VectorEnvState _hostEnv;
    private readonly ulong[] _hostXoshiro = new ulong[4];
    private readonly int[] _hostIndices;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _state, _envFinal, _observations, _actions, _rewards, _values, _logProbs, _entropy,
        _finalObservations, _truncationValues, _lastValues, _advantages, _returns, _gathered, _nan;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>? _envActions, _low, _high;
    private readonly MemoryBuffer1D<byte, Stride1D.Dense> _terminated, _truncated, _terminatedBefore;
    private readonly MemoryBuffer1D<int, Stride1D.Dense> _elapsed, _indices;
    private readonly MemoryBuffer1D<ulong, Stride1D.Dense> _generators, _xoshiro;

    private DeviceRollout(GpuDevice device, DeviceKernels kernels, DeviceMlp actor, DeviceMlp critic, DevicePolicyHead head,
        IExportableVectorEnv env, DeviceEnvModel model, int steps)
    {
        _device = device;
        _kernels = kernels;
        _actor = actor;
        _critic = critic;
        _head = head;
        _env = env;
        _model = model;
        _n = env.NumEnvs;
        _steps = steps;
        _obs = env.ObservationSize;
        _act = env.ActionSize;
        _limit = env.MaxEpisodeSteps ?? int.MaxValue;
        _hostEnv = new VectorEnvState(_n, model.StateSize, _obs);
        long rows = (long)steps * _n;
        _hostIndices = new int[rows];
        var a = device.Accelerator;
        _state = device.Allocate((long)_n * model.StateSize);
        _envFinal = device.Allocate((long)_n * _obs);
        _observations = device.Allocate((rows + _n) * _obs); // steps + 1 slots: the last is the observation after the rollout
        _actions = device.Allocate(rows * _act);
        _rewards = device.Allocate(rows);
        _values = device.Allocate(rows);
        _logProbs = device.Allocate(rows);
        _entropy = device.Allocate(_n);
        _finalObservations = device.Allocate(rows * _obs);
        _truncationValues = device.Allocate(rows);
        _lastValues = device.Allocate(_n);
        _advantages = device.Allocate(rows);
        _returns = device.Allocate(rows);
        _gathered = device.Allocate(rows * _obs);
        _nan = device.Upload([double.NaN]);
        _terminated = device.AllocateFlags(rows);
        _truncated = device.AllocateFlags(rows);
        _terminatedBefore = device.AllocateFlags(_n);
        _elapsed = a.Allocate1D<int>(_n);
        _indices = a.Allocate1D<int>(rows);
        _generators = a.Allocate1D<ulong>((long)_n * VectorEnvState.GeneratorWords);
        _xoshiro = a.Allocate1D<ulong>(4);
        if (env.SingleActionSpace is Box box)
        {
            _envActions = device.Allocate((long)_n * _act);
            _low = device.Upload(box.Low);
            _high = device.Upload(box.High);
        }
    }

    /// <inheritdoc />
    public string Name => _device.Name;

    /// <summary>
    /// The rollout for <paramref name="learner"/>'s env on the device of the given networks, or null with the reason
    /// when the device cannot step it exactly as the CPU does.
    /// </summary>
    public static DeviceRollout? TryCreate(GpuDevice device, DeviceKernels kernels, DeviceMlp actor, DeviceMlp critic, DevicePolicyHead head,
        OnPolicyLearner learner, out string? reason)
    {
        var env = learner.Env;
        var model = DeviceEnvModel.For(env.Id);
        reason = env is not IExportableVectorEnv ? $"a built-in vector env ({env.Id} is {env.GetType().Name})"
            : model is null ? $"one of {string.Join(", ", DeviceEnvModel.Ids)} (not {env.Id})"
            : learner.ObservationNormalizer is not null ? "no observation normalisation (normalize_observations=false)"
            : learner.RewardScaler is not null ? "no reward normalisation (normalize_rewards=false)"
            : null;
        if (reason is not null)
        {
            reason = $"the device rollout steps {reason}; this run's rollouts run on the CPU";
            return null;
        }

        return new DeviceRollout(device, kernels, actor, critic, head, (IExportableVectorEnv)env, model!, learner.Options.NumSteps);
    }

    /// <inheritdoc />
    public bool Collect(ActorCriticPolicy policy, RolloutBuffer buffer, Xoshiro256 rng, Span<double> observations, AdvantageEstimator estimator, double gamma, double lambda)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(buffer);
        ArgumentNullException.ThrowIfNull(rng);
        if (buffer.Steps != _steps || buffer.NumEnvs != _n || observations.Length != _n * _obs)
        {
            throw new ArgumentException(
                $"The device rollout was built for {_steps} steps of {_n} envs with {_obs} observation values; got a buffer of {buffer.Steps} x {buffer.NumEnvs} and {observations.Length} observation values.");
        }

        Upload(observations, rng);
        for (int t = 0; t < _steps; t++)
        {
            Step(t);
        }

        _kernels.Scale(_critic.Forward(Slot(_observations, _steps, _n * _obs), _n), 1.0, _lastValues.View, _n); // a copy
        Download(buffer, observations, rng);
        if (Bootstrap(buffer) > 0)
        {
            _device.CopyToHost(_truncationValues.View, buffer.TruncationValues); // the CPU buffer holds NaN where there is none
        }

        if (estimator != AdvantageEstimator.Gae)
        {
            return false;
        }

        long rows = (long)_steps * _n;
        _kernels.Gae(_rewards.View, _values.View, _terminated.View, _truncated.View, _truncationValues.View, _lastValues.View,
            _steps, _n, gamma, gamma * lambda, _advantages.View, _returns.View);
        _device.CopyToHost(_advantages.View.SubView(0, rows), buffer.Advantages);
        _device.CopyToHost(_returns.View.SubView(0, rows), buffer.Returns);
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var buffer in new MemoryBuffer?[]
        {
            _state, _envFinal, _observations, _actions, _rewards, _values, _logProbs, _entropy, _finalObservations, _truncationValues,
            _lastValues, _advantages, _returns, _gathered, _nan, _envActions, _low, _high, _terminated, _truncated,
            _terminatedBefore, _elapsed, _indices, _generators, _xoshiro,
        })
        {
            buffer?.Dispose();
        }
    }

    private static ArrayView<T> Slot<T>(MemoryBuffer1D<T, Stride1D.Dense> buffer, int t, int width)
        where T : unmanaged => buffer.View.SubView((long)t * width, width);

    // the policy's parameters, the envs, the generator and the observations up; the per-rollout outputs cleared
    private void Upload(ReadOnlySpan<double> observations, Xoshiro256 rng)
    {
        _actor.UploadParameters();
        _critic.UploadParameters();
        _head.UploadParameters(_device);
        _env.ExportState(_hostEnv);
        _device.CopyToDevice(_hostEnv.States, _state.View);
        _device.CopyToDevice(_hostEnv.FinalObservations, _envFinal.View);
        _elapsed.View.CopyFromCPU(_hostEnv.Elapsed);
        _generators.View.CopyFromCPU(_hostEnv.Generators);
        _terminatedBefore.MemSetToZero(); // a vector env never holds a terminated episode between steps
        rng.GetState(_hostXoshiro);
        _xoshiro.View.CopyFromCPU(_hostXoshiro);
        _device.CopyToDevice(observations, Slot(_observations, 0, _n * _obs));
        _finalObservations.MemSetToZero();
        _kernels.BroadcastRow(_nan.View, _truncationValues.View, _steps * _n, 1);
    }

    // RolloutCollector's loop body: act, clip, step, end episodes, observe
    private void Step(int t)
    {
        int n = _n;
        var obs = Slot(_observations, t, n * _obs);
        var next = Slot(_observations, t + 1, n * _obs);
        var actions = Slot(_actions, t, n * _act);
        var rewards = Slot(_rewards, t, n);
        var terminated = Slot(_terminated, t, n);
        var head = _actor.Forward(obs, n);
        _head.Sample(head, _xoshiro.View, actions, n);
        _head.Forward(head, actions, Slot(_logProbs, t, n), _entropy.View, n);
        _kernels.Scale(_critic.Forward(obs, n), 1.0, Slot(_values, t, n), n); // a copy
        var envActions = actions;
        if (_envActions is not null)
        {
            envActions = _envActions.View;
            _kernels.ClipActions(actions, _low!.View, _high!.View, envActions, n, _act);
        }

        _model.Step(_kernels, _state.View, _terminatedBefore.View, envActions, rewards, terminated, n);
        _model.Observe(_kernels, _state.View, next, n);
        _kernels.EndEpisodes(_model.Kind, _model.StateSize, _obs, _limit, t * n, _state.View, next, _elapsed.View, _generators.View,
            terminated, Slot(_truncated, t, n), _terminatedBefore.View, _envFinal.View, _finalObservations.View, n);
        _model.Observe(_kernels, _state.View, next, n); // the reset envs' first observations
    }

    // the rollout into the CPU buffer; the envs, their generators and the learner's generator back to the CPU
    private void Download(RolloutBuffer buffer, Span<double> observations, Xoshiro256 rng)
    {
        int rows = _steps * _n;
        _device.CopyToHost(_observations.View.SubView(0, (long)rows * _obs), buffer.Observations);
        _device.CopyToHost(Slot(_observations, _steps, _n * _obs), observations);
        buffer.SetLastObservations(observations);
        _device.CopyToHost(_actions.View.SubView(0, (long)rows * _act), buffer.Actions);
        _device.CopyToHost(_rewards.View.SubView(0, rows), buffer.Rewards);
        _device.CopyToHost(_terminated.View.SubView(0, rows), buffer.Terminated);
        _device.CopyToHost(_truncated.View.SubView(0, rows), buffer.Truncated);
        _device.CopyToHost(_values.View.SubView(0, rows), buffer.Values);
        _device.CopyToHost(_logProbs.View.SubView(0, rows), buffer.LogProbs);
        _device.CopyToHost(_finalObservations.View.SubView(0, (long)rows * _obs), buffer.FinalObservations);
        _device.CopyToHost(_lastValues.View, buffer.LastValues);

        _device.CopyToHost(_state.View, _hostEnv.States);
        _device.CopyToHost(_envFinal.View, _hostEnv.FinalObservations);
        _device.Synchronize();
        _elapsed.View.CopyToCPU(_hostEnv.Elapsed);
        _generators.View.CopyToCPU(_hostEnv.Generators);
        int last = (_steps - 1) * _n;
        for (int i = 0; i < _n; i++)
        {
            _hostEnv.HasFinal[i] = buffer.Terminated[last + i] || buffer.Truncated[last + i];
        }

        _env.ImportState(_hostEnv);
        _xoshiro.View.CopyToCPU(_hostXoshiro);
        rng.SetState(_hostXoshiro);
    }

    // V(final observation) of every step truncated and not terminated, in one batch in the CPU's order, into the
    // device's truncation values (NaN elsewhere), as RolloutCollector.BootstrapTruncations does
    private int Bootstrap(RolloutBuffer buffer)
    {
        int count = buffer.CopyTruncatedIndices(_hostIndices);
        if (count == 0)
        {
            return 0;
        }

        ArrayView<int> indices = _indices.View.SubView(0, count);
        indices.CopyFromCPU(_hostIndices.AsSpan(0, count));
        var gathered = _gathered.View.SubView(0, (long)count * _obs);
        _kernels.GatherRows(_finalObservations.View, indices, gathered, count, _obs);
        var values = _critic.Forward(gathered, count);
        _kernels.Scatter(values, indices, _truncationValues.View, count);
        return count;
    }
}
