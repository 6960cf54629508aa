using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff.Kernels;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>
/// PPO's clipped-objective minibatch gradient on a device (issue 11): the actor and critic MLPs' forward and backward
/// passes, the categorical log-probability, entropy and their rules, the surrogate and value losses' rules, all as
/// device kernels; the CPU policy stays the run's state (its parameters are uploaded before each gradient, the gradient
/// is downloaded into them, and the CPU clips it and takes the optimizer step). The diagnostics (losses, entropy,
/// approximate KL, clip fraction) are computed on the host from the downloaded log-probabilities, entropies and values
/// with the CPU's own loss kernels.
/// </summary>
/// <remarks>
/// Serves PPO with the clipped objective, a Discrete action space, separate actor and critic networks, a value term
/// trained jointly, and no value clipping; <see cref="Create"/> names whichever of these a run lacks.
/// </remarks>
public sealed class DevicePpoGradient : IGradientDevice
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly ActorCriticPolicy _policy;
    private readonly DeviceMlp _actor;
    private readonly DeviceMlp _critic;
    private MemoryBuffer1D<double, Stride1D.Dense>? _observations, _actions, _oldLogProbs, _advantages, _returns;
    private MemoryBuffer1D<double, Stride1D.Dense>? _packed, _logProb, _entropy, _gradLogProb, _gradLogits, _gradEntropy, _gradValues, _entropyWeight;
    private double[] _hostLogProb = [], _hostEntropy = [], _hostValues = [];
    private int _capacity;

    private DevicePpoGradient(GpuDevice device, ActorCriticPolicy policy)
    {
        _device = device;
        _kernels = new DeviceKernels(device);
        _policy = policy;
        _actor = new DeviceMlp(device, _kernels, policy.ActorLayers, policy.Options.Activation);
        _critic = new DeviceMlp(device, _kernels, policy.CriticLayers, policy.Options.Activation);
        _entropyWeight = device.Allocate(1);
    }

    /// <inheritdoc />
    public string Name => _device.Name;

    /// <summary>
    /// Builds the device gradient for <paramref name="agent"/> on a new device of <paramref name="kind"/>.
    /// </summary>
    /// <exception cref="NotSupportedException">The agent is not a PPO run this device serves; the message names the option.</exception>
    /// <exception cref="DeviceUnavailableException">No such accelerator here.</exception>
    public static DevicePpoGradient Create(DeviceKind kind, IOnPolicyAlgorithm agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        string device = kind.ToName();
        if (agent is not Ppo ppo)
        {
            throw new NotSupportedException($"--device {device} computes PPO's gradient; {agent.Algorithm} trains on the CPU (--device cpu).");
        }

        var o = ppo.Options;
        var policy = ppo.Policy;
        string? missing =
            o.PolicyObjective != PolicyObjective.Clip ? "the clipped objective (policy_objective=Clip)"
            : !policy.IsDiscrete ? "a Discrete action space (Gaussian heads run on the CPU)"
            : !policy.HasSeparateNetworks ? "separate actor and critic networks (policy.shared_trunk=false)"
            : o.ClipRangeVf is not null ? "no value clipping (clip_range_vf unset)"
            : o.OnPolicy.TrainValueIterations > 0 ? "the value term trained with the policy (train_value_iterations=0)"
            : ppo.Learner.GradientReducer is not null ? "a single process (not --distributed)"
            : null;
        if (missing is not null)
        {
            throw new NotSupportedException($"--device {device} computes PPO's minibatch gradient for {missing}; this run needs the CPU (--device cpu).");
        }

        var gpu = GpuDevice.Create(kind);
        try
        {
            return new DevicePpoGradient(gpu, policy);
        }
        catch
        {
            gpu.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public UpdateStats PpoClipGradient(Minibatch batch, int rows, double clipRange, double entCoef, double vfCoef)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfLessThan(rows, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(rows, batch.Size);
        EnsureCapacity(rows);
        int obsSize = _policy.ObservationSize;
        int k = _policy.HeadSize;
        var obs = View(_observations!, rows * obsSize);
        var actions = View(_actions!, rows);
        var oldLogProbs = View(_oldLogProbs!, rows);
        var advantages = View(_advantages!, rows);
        var returns = View(_returns!, rows);
        _device.CopyToDevice(batch.Observations.Data[..(rows * obsSize)], obs);
        _device.CopyToDevice(batch.Actions.Data[..rows], actions);
        _device.CopyToDevice(batch.OldLogProbs.Data[..rows], oldLogProbs);
        _device.CopyToDevice(batch.Advantages.Data[..rows], advantages);
        _device.CopyToDevice(batch.Returns.Data[..rows], returns);
        _actor.UploadParameters();
        _critic.UploadParameters();

        // forward: logits and V(s), the categorical log-probability and entropy
        var logits = _actor.Forward(obs, rows);
        var values = _critic.Forward(obs, rows);
        var packed = View(_packed!, rows * (k + 1));
        var logProb = View(_logProb!, rows);
        var entropy = View(_entropy!, rows);
        _kernels.SoftmaxRows(logits, packed, rows, k);
        _kernels.CategoricalLogProb(logits, actions, packed, logProb, rows, k);
        _kernels.CategoricalEntropy(logits, packed, entropy, rows, k);

        // backward of L = L_CLIP - entCoef * mean(H) + vfCoef * MSE(V, R)
        var gradLogProb = View(_gradLogProb!, rows);
        var gradLogits = View(_gradLogits!, rows * k);
        var gradEntropy = View(_gradEntropy!, rows);
        var gradValues = View(_gradValues!, rows);
        gradLogProb.MemSetToZero();
        gradLogits.MemSetToZero();
        gradValues.MemSetToZero();
        _kernels.AccumulateClippedSurrogateBackward(1.0, logProb, oldLogProbs, advantages, rows, clipRange, gradLogProb);
        _kernels.AccumulateCategoricalLogProbBackward(gradLogProb, actions, packed, gradLogits, rows, k);
        _device.CopyToDevice([-entCoef / rows], _entropyWeight!.View);
        _kernels.BroadcastRow(_entropyWeight.View, gradEntropy, rows, 1);
        _kernels.AccumulateCategoricalEntropyBackward(gradEntropy, entropy, logits, packed, gradLogits, rows, k);
        _kernels.AccumulateMseBackward(vfCoef, values, returns, gradValues, default, rows);
        _actor.Backward(obs, gradLogits, rows);
        _critic.Backward(obs, gradValues, rows);

        // the gradient into the CPU parameters, the diagnostics from the downloaded rows
        _actor.DownloadGradients();
        _critic.DownloadGradients();
        var hostLogProb = _hostLogProb.AsSpan(0, rows);
        var hostEntropy = _hostEntropy.AsSpan(0, rows);
        var hostValues = _hostValues.AsSpan(0, rows);
        _device.CopyToHost(logProb, hostLogProb);
        _device.CopyToHost(entropy, hostEntropy);
        _device.CopyToHost(values, hostValues);
        ReadOnlySpan<double> old = batch.OldLogProbs.Data[..rows];
        double policyLoss = LossKernels.ClippedSurrogate(hostLogProb, old, batch.Advantages.Data[..rows], clipRange);
        double valueLoss = LossKernels.Mse(hostValues, batch.Returns.Data[..rows]);
        double meanEntropy = 0;
        foreach (double h in hostEntropy)
        {
            meanEntropy += h;
        }

        meanEntropy /= rows;
        var (approxKl, clipFraction) = Ppo.RatioStatistics(hostLogProb, old, clipRange);
        return new UpdateStats
        {
            Loss = policyLoss - (entCoef * meanEntropy) + (vfCoef * valueLoss),
            PolicyLoss = policyLoss,
            ValueLoss = valueLoss,
            Entropy = meanEntropy,
            ApproxKl = approxKl,
            ClipFraction = clipFraction,
        };
    }

    /// <summary>Frees the device buffers and the accelerator.</summary>
    public void Dispose()
    {
        _actor.Dispose();
        _critic.Dispose();
        foreach (var buffer in new[] { _observations, _actions, _oldLogProbs, _advantages, _returns, _packed, _logProb, _entropy, _gradLogProb, _gradLogits, _gradEntropy, _gradValues, _entropyWeight })
        {
            buffer?.Dispose();
        }

        _device.Dispose();
    }

    private static ArrayView<double> View(MemoryBuffer1D<double, Stride1D.Dense> buffer, int length) => buffer.View.SubView(0, length);

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
        {
            return;
        }

        foreach (var buffer in new[] { _observations, _actions, _oldLogProbs, _advantages, _returns, _packed, _logProb, _entropy, _gradLogProb, _gradLogits, _gradEntropy, _gradValues })
        {
            buffer?.Dispose();
        }

        int k = _policy.HeadSize;
        _observations = _device.Allocate((long)rows * _policy.ObservationSize);
        _actions = _device.Allocate(rows);
        _oldLogProbs = _device.Allocate(rows);
        _advantages = _device.Allocate(rows);
        _returns = _device.Allocate(rows);
        _packed = _device.Allocate((long)rows * (k + 1));
        _logProb = _device.Allocate(rows);
        _entropy = _device.Allocate(rows);
        _gradLogProb = _device.Allocate(rows);
        _gradLogits = _device.Allocate((long)rows * k);
        _gradEntropy = _device.Allocate(rows);
        _gradValues = _device.Allocate(rows);
        _hostLogProb = new double[rows];
        _hostEntropy = new double[rows];
        _hostValues = new double[rows];
        _capacity = rows;
    }
}
