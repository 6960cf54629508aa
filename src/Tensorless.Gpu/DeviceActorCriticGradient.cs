using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff.Kernels;
using Tensorless.Autodiff.Optim;
using Tensorless.Gpu.Heads;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>
/// PPO's and A2C's minibatch gradient on a device (issue 11): the actor and critic MLPs' forward and backward passes,
/// the action distribution's log-probability, entropy and their rules (<see cref="DevicePolicyHead"/>: categorical or
/// diagonal Gaussian), and the policy and value losses' rules, all as device kernels. The CPU policy stays the run's
/// state: its parameters are uploaded before each gradient, the gradient is downloaded into them, and the CPU clips it
/// and takes the optimizer step. The diagnostics (losses, entropy, approximate KL, clip fraction) are computed on the
/// host from the downloaded log-probabilities, entropies and values with the CPU's own kernels, in the tape's order.
/// <para>Between <see cref="BeginUpdate"/> and <see cref="EndUpdate"/> the device holds the parameters and the
/// optimizer's state instead (Adam or RMSprop, <see cref="DeviceOptimizer"/>): gradients stay on the device, clipping
/// and the optimizer step run there (<see cref="Step"/>), and only the minibatch goes up and the log-probabilities,
/// entropies and values come down per minibatch; the parameters and moments come back once at the end of the update.</para>
/// </summary>
/// <remarks>
/// Serves PPO with the clipped objective and A2C, with separate actor and critic networks, no value clipping, in one
/// process; the value term trained jointly or by the seeds' separate value fit (then only the policy's gradient is
/// computed here). <see cref="Create"/> names whichever of these a run lacks.
/// </remarks>
public sealed class DeviceActorCriticGradient : IGradientDevice
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly ActorCriticPolicy _policy;
    private readonly DeviceMlp _actor;
    private readonly DeviceMlp _critic;
    private readonly DevicePolicyHead _head;
    private readonly DeviceRollout? _rollout;
    private readonly string? _rolloutReason;
    private MemoryBuffer1D<double, Stride1D.Dense>? _observations, _actions, _oldLogProbs, _advantages, _returns;
    private MemoryBuffer1D<double, Stride1D.Dense>? _logProb, _entropy, _gradLogProb, _gradHead, _gradValues;
    private double[] _hostLogProb = [], _hostEntropy = [], _hostValues = [];
    private int _capacity;
    private DeviceOptimizer? _optimizer;
    private bool _resident;

    private DeviceActorCriticGradient(GpuDevice device, ActorCriticPolicy policy, OnPolicyLearner learner)
    {
        _device = device;
        _kernels = new DeviceKernels(device);
        _policy = policy;
        _actor = new DeviceMlp(device, _kernels, policy.ActorLayers, policy.Options.Activation);
        _critic = new DeviceMlp(device, _kernels, policy.CriticLayers, policy.Options.Activation);
        _head = DevicePolicyHead.Create(device, _kernels, policy);
        _rollout = DeviceRollout.TryCreate(device, _kernels, [learner], out string? reason);
        _rolloutReason = reason is null ? null : $"{reason}; this run's rollouts run on the CPU";
    }

    /// <inheritdoc />
    public string Name => _device.Name;

    /// <summary>The rollout on this device (<see cref="DeviceRollout"/>), or null when the run's env or options need the CPU's.</summary>
    public IRolloutDevice? Rollout => _rollout?.Member(0, onDemand: true);

    /// <inheritdoc />
    public string? RolloutUnavailableReason => _rolloutReason;

    /// <summary>Builds the device gradient for <paramref name="agent"/> on a new device of <paramref name="kind"/>.</summary>
    /// <exception cref="NotSupportedException">The agent is not a run this device serves; the message names the option.</exception>
    /// <exception cref="DeviceUnavailableException">No such accelerator here.</exception>
    public static DeviceActorCriticGradient Create(DeviceKind kind, IOnPolicyAlgorithm agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        string device = kind.ToName();
        if (agent is not (Ppo or A2c))
        {
            throw new NotSupportedException($"--device {device} computes PPO's and A2C's gradients; {agent.Algorithm} trains on the CPU (--device cpu).");
        }

        if (MissingOption(agent) is { } missing)
        {
            throw new NotSupportedException($"--device {device} computes {agent.Algorithm}'s minibatch gradient for {missing}; this run needs the CPU (--device cpu).");
        }

        var gpu = GpuDevice.Create(kind);
        try
        {
            return new DeviceActorCriticGradient(gpu, agent.Policy, agent.Learner);
        }
        catch
        {
            gpu.Dispose();
            throw;
        }
    }

    /// <summary>
    /// What a PPO or A2C agent lacks for the device's gradient, as the option to set, or null when the device serves it:
    /// the clipped objective without value clipping (PPO), one process, and separate actor and critic networks. The
    /// population's batched update asks the same of each member.
    /// </summary>
    internal static string? MissingOption(IOnPolicyAlgorithm agent) => agent switch
    {
        Ppo { Options.PolicyObjective: not PolicyObjective.Clip } => "the clipped objective (policy_objective=Clip)",
        Ppo { Options.ClipRangeVf: not null } => "no value clipping (clip_range_vf unset)",
        _ when agent.Learner.GradientReducer is not null => "a single process (not --distributed)",
        _ when !agent.Policy.HasSeparateNetworks => "separate actor and critic networks (policy.shared_trunk=false)",
        _ => null,
    };

    /// <inheritdoc />
    public UpdateStats PpoClipGradient(Minibatch batch, int rows, double clipRange, double entCoef, double vfCoef, bool withValue)
    {
        Forward(batch, rows, withValue);
        _device.CopyToDevice(batch.OldLogProbs.Data[..rows], View(_oldLogProbs!, rows));
        var gradLogProb = View(_gradLogProb!, rows);
        gradLogProb.MemSetToZero();
        _kernels.AccumulateClippedSurrogateBackward(1.0, View(_logProb!, rows), View(_oldLogProbs!, rows), View(_advantages!, rows), rows, clipRange, gradLogProb);
        Backward(rows, entCoef, vfCoef, withValue);

        return PpoClipStats(_hostLogProb.AsSpan(0, rows), _hostEntropy.AsSpan(0, _head.EntropyRows(rows)), withValue ? _hostValues.AsSpan(0, rows) : default,
            batch, rows, clipRange, entCoef, vfCoef);
    }

    /// <summary>
    /// PPO's diagnostics from a minibatch's downloaded log-probabilities, entropies and values (empty without the value
    /// term), computed with the CPU's own kernels in the tape's order, as the CPU's chunk loss reports them: the clipped
    /// surrogate, <c>L = L_CLIP - entCoef * mean(H) [+ vfCoef * MSE(V, R)]</c>, approximate KL and clip fraction.
    /// </summary>
    internal static UpdateStats PpoClipStats(ReadOnlySpan<double> logProb, ReadOnlySpan<double> entropy, ReadOnlySpan<double> values, Minibatch batch, int rows, double clipRange, double entCoef, double vfCoef)
    {
        ReadOnlySpan<double> old = batch.OldLogProbs.Data[..rows];
        double policyLoss = LossKernels.ClippedSurrogate(logProb, old, batch.Advantages.Data[..rows], clipRange);
        var (approxKl, clipFraction) = Ppo.RatioStatistics(logProb, old, clipRange);
        var stats = Losses(entropy, values, batch, rows, policyLoss, entCoef, vfCoef);
        stats.ApproxKl = approxKl;
        stats.ClipFraction = clipFraction;
        return stats;
    }

    /// <inheritdoc />
    public UpdateStats A2cGradient(Minibatch batch, int rows, double entCoef, double vfCoef, bool withValue)
    {
        Forward(batch, rows, withValue);
        // L_policy = -mean(A log pi): the tape's rule gives each log pi the gradient (-1 * (1 / rows)) * A
        var gradLogProb = View(_gradLogProb!, rows);
        gradLogProb.MemSetToZero();
        _kernels.AccumulateScaled(View(_advantages!, rows), -1.0 * (1.0 / rows), gradLogProb, rows);
        Backward(rows, entCoef, vfCoef, withValue);

        return A2cStats(_hostLogProb.AsSpan(0, rows), _hostEntropy.AsSpan(0, _head.EntropyRows(rows)), withValue ? _hostValues.AsSpan(0, rows) : default, batch, rows, entCoef, vfCoef);
    }

    /// <summary>
    /// A2C's diagnostics from a batch's downloaded log-probabilities, entropies and values (empty without the value term),
    /// with the CPU's kernels in the tape's order: <c>L_policy = -mean(A log pi)</c> and the losses as for <see cref="PpoClipStats"/>.
    /// </summary>
    internal static UpdateStats A2cStats(ReadOnlySpan<double> logProb, ReadOnlySpan<double> entropy, ReadOnlySpan<double> values, Minibatch batch, int rows, double entCoef, double vfCoef)
    {
        double[] product = System.Buffers.ArrayPool<double>.Shared.Rent(rows);
        try
        {
            ElementwiseKernels.Multiply(logProb, batch.Advantages.Data[..rows], product.AsSpan(0, rows));
            double policyLoss = ReductionKernels.Mean(product.AsSpan(0, rows)) * -1.0;
            return Losses(entropy, values, batch, rows, policyLoss, entCoef, vfCoef);
        }
        finally
        {
            System.Buffers.ArrayPool<double>.Shared.Return(product);
        }
    }

    /// <inheritdoc />
    public bool BeginUpdate(IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        if (_optimizer?.Optimizer != optimizer)
        {
            _optimizer?.Dispose();
            var views = _actor.Views().Concat(_critic.Views()).Concat(_head.Views())
                .ToDictionary(v => v.Parameter, v => (v.Value, v.Grad));
            _optimizer = DeviceOptimizer.TryCreate(_device, _kernels, optimizer, views);
        }

        if (_optimizer is null)
        {
            return false;
        }

        UploadParameters(withValue: true);
        _optimizer.Upload();
        _resident = true;
        return true;
    }

    /// <inheritdoc />
    public void Step(double? maxNorm)
    {
        if (!_resident)
        {
            throw new InvalidOperationException("Step needs BeginUpdate first: the parameters and the optimizer state are not on the device.");
        }

        _optimizer!.Step(maxNorm);
    }

    /// <inheritdoc />
    public void EndUpdate()
    {
        if (!_resident)
        {
            return;
        }

        _resident = false;
        _optimizer!.Download();
    }

    /// <summary>Frees the device buffers and the accelerator.</summary>
    public void Dispose()
    {
        _rollout?.Dispose();
        _actor.Dispose();
        _critic.Dispose();
        _head.Dispose();
        _optimizer?.Dispose();
        foreach (var buffer in Buffers())
        {
            buffer?.Dispose();
        }

        _device.Dispose();
    }

    private static ArrayView<double> View(MemoryBuffer1D<double, Stride1D.Dense> buffer, int length) => buffer.View.SubView(0, length);

    // uploads the minibatch (all but PPO's old log-probabilities) and, unless they are held on the device, the parameters;
    // runs both networks and the head; downloads log pi, H and V for the diagnostics
    private void Forward(Minibatch batch, int rows, bool withValue)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, batch.Size);
        EnsureCapacity(rows);
        int obsSize = _policy.ObservationSize;
        int actionColumns = _head.ActionColumns;
        var obs = View(_observations!, rows * obsSize);
        _device.CopyToDevice(batch.Observations.Data[..(rows * obsSize)], obs);
        _device.CopyToDevice(batch.Actions.Data[..(rows * actionColumns)], View(_actions!, rows * actionColumns));
        _device.CopyToDevice(batch.Advantages.Data[..rows], View(_advantages!, rows));
        if (!_resident)
        {
            UploadParameters(withValue);
        }

        var head = _actor.Forward(obs, rows);
        _head.Forward(head, View(_actions!, rows * actionColumns), View(_logProb!, rows), View(_entropy!, rows), rows);
        _device.CopyToHost(View(_logProb!, rows), _hostLogProb.AsSpan(0, rows));
        int entropyRows = _head.EntropyRows(rows);
        _device.CopyToHost(View(_entropy!, entropyRows), _hostEntropy.AsSpan(0, entropyRows));
        if (withValue)
        {
            _device.CopyToDevice(batch.Returns.Data[..rows], View(_returns!, rows));
            var values = _critic.Forward(obs, rows);
            _device.CopyToHost(values, _hostValues.AsSpan(0, rows));
        }
    }

    // from the policy term's gradient in _gradLogProb: the head's rules (entropy weighted -entCoef * (1 / EntropyRows),
    // as the tape's mean gives it), the actor's backward, and with the value term the MSE's rule and the critic's backward;
    // downloads the gradients into the CPU parameters (the critic's only when the value term is part of this loss)
    private void Backward(int rows, double entCoef, double vfCoef, bool withValue)
    {
        int obsSize = _policy.ObservationSize;
        var obs = View(_observations!, rows * obsSize);
        var head = _actor.LastOutput(rows);
        var gradHead = View(_gradHead!, rows * _policy.HeadSize);
        _head.Backward(head, View(_actions!, rows * _head.ActionColumns), View(_entropy!, rows), View(_gradLogProb!, rows), -entCoef * (1.0 / _head.EntropyRows(rows)), gradHead, rows);
        _actor.Backward(obs, gradHead, rows);
        if (!_resident)
        {
            _actor.DownloadGradients();
            _head.DownloadGradients(_device);
        }

        if (withValue)
        {
            var gradValues = View(_gradValues!, rows);
            gradValues.MemSetToZero();
            _kernels.AccumulateMseBackward(vfCoef, _critic.LastOutput(rows), View(_returns!, rows), gradValues, default, rows);
            _critic.Backward(obs, gradValues, rows);
            if (!_resident)
            {
                _critic.DownloadGradients();
            }
        }
    }

    private void UploadParameters(bool withValue)
    {
        _actor.UploadParameters();
        _head.UploadParameters(_device);
        if (withValue)
        {
            _critic.UploadParameters();
        }
    }

    // the losses as the CPU's chunk loss reports them: L = L_policy - entCoef * mean(H) [+ vfCoef * MSE(V, R)], the value
    // term when values are given
    private static UpdateStats Losses(ReadOnlySpan<double> entropy, ReadOnlySpan<double> values, Minibatch batch, int rows, double policyLoss, double entCoef, double vfCoef)
    {
        double meanEntropy = ReductionKernels.Mean(entropy);
        double loss = policyLoss - (meanEntropy * entCoef);
        double valueLoss = 0;
        if (!values.IsEmpty)
        {
            valueLoss = LossKernels.Mse(values, batch.Returns.Data[..rows]);
            loss += valueLoss * vfCoef;
        }

        return new UpdateStats { Loss = loss, PolicyLoss = policyLoss, ValueLoss = valueLoss, Entropy = meanEntropy };
    }

    private MemoryBuffer1D<double, Stride1D.Dense>?[] Buffers() =>
        [_observations, _actions, _oldLogProbs, _advantages, _returns, _logProb, _entropy, _gradLogProb, _gradHead, _gradValues];

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
        {
            return;
        }

        foreach (var buffer in Buffers())
        {
            buffer?.Dispose();
        }

        _observations = _device.Allocate((long)rows * _policy.ObservationSize);
        _actions = _device.Allocate((long)rows * _head.ActionColumns);
        _oldLogProbs = _device.Allocate(rows);
        _advantages = _device.Allocate(rows);
        _returns = _device.Allocate(rows);
        _logProb = _device.Allocate(rows);
        _entropy = _device.Allocate(rows);
        _gradLogProb = _device.Allocate(rows);
        _gradHead = _device.Allocate((long)rows * _policy.HeadSize);
        _gradValues = _device.Allocate(rows);
        _hostLogProb = new double[rows];
        _hostEntropy = new double[rows];
        _hostValues = new double[rows];
        _capacity = rows;
    }
}
