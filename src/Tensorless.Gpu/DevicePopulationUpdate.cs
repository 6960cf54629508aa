using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Optim;
using Tensorless.Gpu.Heads;
using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Policies;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>
/// A population's PPO updates batched on a device (issue 11): every member's update pass (<see cref="Ppo.BeginUpdatePass"/>
/// and its steps) runs in lockstep, and each round of minibatches is one batched forward and backward pass of all the
/// members' actors and critics (<see cref="DeviceMlpStack"/>), one categorical head over all their rows, one per-member
/// global-norm clipping and one per-member Adam step. Each member keeps its own minibatch order (its generator), its
/// schedules' learning rate and clip range, its Adam step count and its target-KL stop; a member that stops is masked
/// out of the steps. Every member's gradient and step are the kernels' bits for that member alone, so a member ends with
/// the bits of its own solo update on the same device (<see cref="DeviceActorCriticGradient"/> with its optimizer on the
/// device). Parameters and Adam's moments go up at the start of each update and come back to the CPU policy and
/// optimizer at its end (DevicePopulationUpdate.Pass.cs).
/// </summary>
/// <remarks>
/// Serves PPO members alike in what the batch shares: the clipped objective without value clipping, separate actor and
/// critic networks of one shape with biases, a categorical head, Adam with one set of betas, epsilon and weight decay,
/// and one minibatch size, entropy and value coefficient, gradient-norm limit and joint or separate value training.
/// <see cref="TryCreate"/> names what differs otherwise, and the members then update on the CPU threads.
/// </remarks>
internal sealed partial class DevicePopulationUpdate : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly Ppo[] _members;
    private readonly int _rows, _obsSize;
    private readonly DeviceMlpStack _actor, _critic;
    private readonly DeviceCategoricalHead _head;
    private readonly bool _withValue;
    private readonly double _entCoef, _vfCoef;
    private readonly double? _maxGradNorm;
    private readonly Adam _adam0;
    private readonly Slot[] _slots;
    private readonly MemoryBuffer1D<double, Stride1D.Dense>[] _expAvg, _expAvgSq;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _obs, _actions, _oldLogProbs, _advantages, _returns, _logProb, _entropy;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _gradLogProb, _gradHead, _gradValues, _clipRanges, _steps, _norms, _totals;

    /// <summary>One parameter of the optimizers' order: its stacked value and gradient, one member's length, and each member's CPU parameter.</summary>
    private sealed record Slot(ArrayView<double> Value, ArrayView<double> Grad, int Length, Parameter[] Parameters);

    private DevicePopulationUpdate(GpuDevice device, DeviceKernels kernels, Ppo[] members, Slot[] slots, DeviceMlpStack actor, DeviceMlpStack critic)
    {
        _device = device;
        _kernels = kernels;
        _members = members;
        _actor = actor;
        _critic = critic;
        _slots = slots;
        var first = members[0];
        var o = first.Options;
        int k = members.Length;
        _rows = o.MinibatchSize;
        _obsSize = first.Policy.ObservationSize;
        _withValue = first.TrainsValueJointly;
        _entCoef = o.OnPolicy.EntCoef;
        _vfCoef = o.OnPolicy.VfCoef;
        _maxGradNorm = o.OnPolicy.MaxGradNorm;
        _adam0 = (Adam)first.UpdateOptimizer;
        _head = new DeviceCategoricalHead(device, kernels, first.Policy.HeadSize);
        _expAvg = [.. slots.Select(s => device.Allocate((long)k * s.Length))];
        _expAvgSq = [.. slots.Select(s => device.Allocate((long)k * s.Length))];
        long rows = (long)k * _rows;
        _obs = device.Allocate(rows * _obsSize);
        _actions = device.Allocate(rows);
        _oldLogProbs = device.Allocate(rows);
        _advantages = device.Allocate(rows);
        _returns = device.Allocate(rows);
        _logProb = device.Allocate(rows);
        _entropy = device.Allocate(rows);
        _gradLogProb = device.Allocate(rows);
        _gradHead = device.Allocate(rows * first.Policy.HeadSize);
        _gradValues = device.Allocate(rows);
        _clipRanges = device.Allocate(k);
        _steps = device.Allocate(3L * k);
        _norms = device.Allocate((long)k * slots.Length);
        _totals = device.Allocate(k);
        AllocateHost(k);
    }

    /// <summary>Members in the batch.</summary>
    public int Members => _members.Length;

    /// <summary>
    /// The batched update of <paramref name="agents"/> on <paramref name="device"/>, or null with the
    /// <paramref name="reason"/> (what differs, or what the batch does not serve) when they must update on the CPU.
    /// </summary>
    public static DevicePopulationUpdate? TryCreate(GpuDevice device, DeviceKernels kernels, IReadOnlyList<IOnPolicyAlgorithm> agents, out string? reason)
    {
        reason = Check(agents);
        if (reason is not null)
        {
            return null;
        }

        var members = agents.Cast<Ppo>().ToArray();
        var policy = members[0].Policy;
        var actor = new DeviceMlpStack(device, kernels, policy.ActorLayers, policy.Options.Activation, members.Length);
        var critic = new DeviceMlpStack(device, kernels, policy.CriticLayers, policy.Options.Activation, members.Length);
        actor.EnableTraining();
        critic.EnableTraining();
        var slots = Slots(members, actor, critic, out reason);
        if (slots is null)
        {
            actor.Dispose();
            critic.Dispose();
            return null;
        }

        return new DevicePopulationUpdate(device, kernels, members, slots, actor, critic);
    }

    public void Dispose()
    {
        _actor.Dispose();
        _critic.Dispose();
        _head.Dispose();
        foreach (var buffer in _expAvg.Concat(_expAvgSq).Concat([_obs, _actions, _oldLogProbs, _advantages, _returns, _logProb, _entropy, _gradLogProb, _gradHead, _gradValues, _clipRanges, _steps, _norms, _totals]))
        {
            buffer.Dispose();
        }
    }

    // what keeps these members from one batched update, or null
    private static string? Check(IReadOnlyList<IOnPolicyAlgorithm> agents)
    {
        if (agents.Count == 0)
        {
            return "the batched update has no members";
        }

        if (agents.FirstOrDefault(a => a is not Ppo) is { } other)
        {
            return $"the batched update serves PPO members, not {other.Algorithm}";
        }

        var first = (Ppo)agents[0];
        var o = first.Options;
        foreach (var ppo in agents.Cast<Ppo>())
        {
            var p = ppo.Options;
            var policy = ppo.Policy;
            string? missing =
                p.PolicyObjective != PolicyObjective.Clip ? "the clipped objective (policy_objective=Clip)"
                : p.ClipRangeVf is not null ? "no value clipping (clip_range_vf unset)"
                : !policy.HasSeparateNetworks ? "separate actor and critic networks (policy.shared_trunk=false)"
                : !policy.IsDiscrete ? "a Discrete action space (Box actions keep their own log-std, which the batch does not stack yet)"
                : policy.ActorLayers.Concat(policy.CriticLayers).Any(l => l.Bias is null) ? "layers with biases"
                : ppo.UpdateOptimizer is not Adam ? "the Adam optimizer"
                : null;
            if (missing is not null)
            {
                return $"the batched update needs {missing}";
            }

            var a = (Adam)ppo.UpdateOptimizer;
            var a0 = (Adam)first.UpdateOptimizer;
            string? differs =
                p.MinibatchSize != o.MinibatchSize ? "minibatch_size"
                : p.OnPolicy.EntCoef != o.OnPolicy.EntCoef ? "ent_coef"
                : p.OnPolicy.VfCoef != o.OnPolicy.VfCoef ? "vf_coef"
                : p.OnPolicy.MaxGradNorm != o.OnPolicy.MaxGradNorm ? "max_grad_norm"
                : ppo.TrainsValueJointly != first.TrainsValueJointly ? "train_value_iterations"
                : a.Beta1 != a0.Beta1 || a.Beta2 != a0.Beta2 || a.Eps != a0.Eps || a.WeightDecay != a0.WeightDecay ? "Adam's betas, eps or weight decay"
                : policy.Options.Activation != first.Policy.Options.Activation || !SameShape(policy.ActorLayers, first.Policy.ActorLayers) || !SameShape(policy.CriticLayers, first.Policy.CriticLayers) ? "the network shape"
                : null;
            if (differs is not null)
            {
                return $"the batched update needs every member alike in {differs}";
            }
        }

        return null;
    }

    private static bool SameShape(IReadOnlyList<Autodiff.Nn.Linear> a, IReadOnlyList<Autodiff.Nn.Linear> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.InFeatures == p.Second.InFeatures && p.First.OutFeatures == p.Second.OutFeatures);

    // the optimizers' parameter order as stacked arrays: every member's optimizer must train the same arrays in one order
    private static Slot[]? Slots(Ppo[] members, DeviceMlpStack actor, DeviceMlpStack critic, out string? reason)
    {
        var arrays = new List<((ArrayView<double> Value, ArrayView<double> Grad, int Length) View, Func<ActorCriticPolicy, Parameter> Of)>();
        for (int l = 0; l < actor.Layers; l++)
        {
            int layer = l;
            arrays.Add((actor.Weight(l), p => p.ActorLayers[layer].Weight));
            arrays.Add((actor.Bias(l), p => p.ActorLayers[layer].Bias!));
        }

        for (int l = 0; l < critic.Layers; l++)
        {
            int layer = l;
            arrays.Add((critic.Weight(l), p => p.CriticLayers[layer].Weight));
            arrays.Add((critic.Bias(l), p => p.CriticLayers[layer].Bias!));
        }

        var order = members[0].UpdateOptimizer.Parameters.Select(p => arrays.FindIndex(a => a.Of(members[0].Policy) == p)).ToArray();
        bool same = order.All(i => i >= 0) && members.All(m =>
            m.UpdateOptimizer.Parameters.Count == order.Length
            && order.Select((a, i) => arrays[a].Of(m.Policy) == m.UpdateOptimizer.Parameters[i]).All(x => x));
        if (!same)
        {
            reason = "the batched update needs every member's optimizer to train its actor and critic layers in one order";
            return null;
        }

        reason = null;
        return [.. order.Select(a => new Slot(arrays[a].View.Value, arrays[a].View.Grad, arrays[a].View.Length, [.. members.Select(m => arrays[a].Of(m.Policy))]))];
    }
}
