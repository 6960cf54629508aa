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
/// A population's updates batched on a device (issue 11): every member's update pass (<see cref="IMinibatchUpdate"/>:
/// PPO's epochs of minibatches, A2C's one batch) runs in lockstep, and each round of minibatches is one batched forward
/// and backward pass of all the members' actors and critics (<see cref="DeviceMlpStack"/>), one head over all their rows
/// (<see cref="DevicePopulationHead"/>: categorical, or diagonal Gaussian with each member's log-std), and one per-member clipping and optimizer step (<see cref="DevicePopulationOptimizer"/>). Each member
/// keeps its own minibatch order (its generator), its schedules' learning rate and clip range, its optimizer's step count
/// and its target-KL stop; a member that stops is masked out of the steps. Every member's gradient and step are the
/// kernels' bits for that member alone, so a member ends with the bits of its own solo update on the same device
/// (<see cref="DeviceActorCriticGradient"/> with its optimizer on the device). Parameters and optimizer state go up at
/// the start of each update and come back to the CPU policy and optimizer at its end (DevicePopulationUpdate.Pass.cs).
/// </summary>
/// <remarks>
/// Serves members of one algorithm, PPO (the clipped objective, no value clipping) or A2C, alike in what the batch
/// shares: separate actor and critic networks of one shape with biases, one action space, one optimizer (Adam or
/// RMSprop) with one set of hyperparameters, one minibatch size, entropy and value coefficient, gradient-norm limit, and
/// joint or separate value training. <see cref="TryCreate"/> names what differs otherwise, and the members then update
/// on the CPU threads.
/// </remarks>
internal sealed partial class DevicePopulationUpdate : IDisposable
{
    private readonly GpuDevice _device;
    private readonly DeviceKernels _kernels;
    private readonly IOnPolicyAlgorithm[] _agents;
    private readonly IMinibatchUpdate[] _members;
    private readonly Ppo?[] _ppo;
    private readonly bool _isPpo;
    private readonly int _rows, _obsSize;
    private readonly DeviceMlpStack _actor, _critic;
    private readonly DevicePopulationHead _head;
    private readonly DevicePopulationOptimizer _optimizer;
    private readonly bool _withValue;
    private readonly double _entCoef, _vfCoef;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _obs, _actions, _oldLogProbs, _advantages, _returns, _logProb, _entropy;
    private readonly MemoryBuffer1D<double, Stride1D.Dense> _gradLogProb, _gradHead, _gradValues, _clipRanges;

    private DevicePopulationUpdate(GpuDevice device, DeviceKernels kernels, IOnPolicyAlgorithm[] agents, DevicePopulationOptimizer.Slot[] slots, DeviceMlpStack actor, DeviceMlpStack critic, DevicePopulationHead head)
    {
        _device = device;
        _kernels = kernels;
        _agents = agents;
        _members = [.. agents.Cast<IMinibatchUpdate>()];
        _ppo = [.. agents.Select(a => a as Ppo)];
        _isPpo = _ppo[0] is not null;
        _actor = actor;
        _critic = critic;
        _head = head;
        var first = _members[0];
        var options = ((IOnPolicyAlgorithm)first).Learner.Options;
        int k = agents.Length;
        _rows = first.CurrentRows;
        _obsSize = agents[0].Policy.ObservationSize;
        _withValue = first.TrainsValueJointly;
        _entCoef = options.EntCoef;
        _vfCoef = options.VfCoef;
        try
        {
            _optimizer = new DevicePopulationOptimizer(device, kernels, [.. _members.Select(m => m.UpdateOptimizer)], slots, options.MaxGradNorm);
            long rows = (long)k * _rows;
            _obs = device.Allocate(rows * _obsSize);
            _actions = device.Allocate(rows * head.ActionColumns);
            _oldLogProbs = device.Allocate(rows);
            _advantages = device.Allocate(rows);
            _returns = device.Allocate(rows);
            _logProb = device.Allocate(rows);
            _entropy = device.Allocate(rows);
            _gradLogProb = device.Allocate(rows);
            _gradHead = device.Allocate(rows * agents[0].Policy.HeadSize);
            _gradValues = device.Allocate(rows);
            _clipRanges = device.Allocate(k);
        }
        catch
        {
            // the stacks and head are the caller's to dispose; what this constructor allocated is freed here
            _optimizer?.Dispose();
            foreach (var buffer in DeviceBuffers())
            {
                buffer?.Dispose();
            }

            throw;
        }

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

        var members = agents.ToArray();
        var policy = members[0].Policy;
        int rows = ((IMinibatchUpdate)members[0]).CurrentRows;
        DeviceMlpStack? actor = null, critic = null;
        DevicePopulationHead? head = null;
        try
        {
            // every buffer of the passes is allocated here, so a device too small for the batch fails now (the caller
            // then keeps the rollouts on the device and the updates on the CPU) rather than in the first update
            actor = new DeviceMlpStack(device, kernels, policy.ActorLayers, policy.Options.Activation, members.Length);
            critic = new DeviceMlpStack(device, kernels, policy.CriticLayers, policy.Options.Activation, members.Length);
            actor.EnableTraining();
            critic.EnableTraining();
            actor.Reserve(rows);
            critic.Reserve(rows);
            head = DevicePopulationHead.Create(device, kernels, policy, members.Length, rows);
            head.Reserve();
            var slots = Slots(members, actor, critic, head, out reason);
            if (slots is not null)
            {
                return new DevicePopulationUpdate(device, kernels, members, slots, actor, critic, head);
            }
        }
        catch
        {
            head?.Dispose();
            actor?.Dispose();
            critic?.Dispose();
            throw;
        }

        head.Dispose();
        actor.Dispose();
        critic.Dispose();
        return null;
    }

    public void Dispose()
    {
        _actor.Dispose();
        _critic.Dispose();
        _head.Dispose();
        _optimizer.Dispose();
        foreach (var buffer in DeviceBuffers())
        {
            buffer.Dispose();
        }
    }

    private MemoryBuffer1D<double, Stride1D.Dense>[] DeviceBuffers() =>
        [_obs, _actions, _oldLogProbs, _advantages, _returns, _logProb, _entropy, _gradLogProb, _gradHead, _gradValues, _clipRanges];

    // what keeps these members from one batched update, or null
    private static string? Check(IReadOnlyList<IOnPolicyAlgorithm> agents)
    {
        if (agents.Count == 0)
        {
            return "the batched update has no members";
        }

        string algorithm = agents[0].Algorithm;
        if (agents[0] is not (Ppo or A2c) || agents.Any(a => a.Algorithm != algorithm))
        {
            return agents.FirstOrDefault(a => a is not (Ppo or A2c)) is { } other
                ? $"the batched update serves PPO and A2C members, not {other.Algorithm}"
                : "the batched update needs every member to run one algorithm";
        }

        var first = (IMinibatchUpdate)agents[0];
        var o = agents[0].Learner.Options;
        foreach (var agent in agents)
        {
            var member = (IMinibatchUpdate)agent;
            var policy = agent.Policy;
            var p = agent.Learner.Options;
            string? missing = DeviceActorCriticGradient.MissingOption(agent)
                ?? (policy.ActorLayers.Concat(policy.CriticLayers).Any(l => l.Bias is null) ? "layers with biases" : null);
            if (missing is not null)
            {
                return $"the batched update needs {missing}";
            }

            string? differs =
                member.CurrentRows != first.CurrentRows ? "minibatch_size"
                : p.EntCoef != o.EntCoef ? "ent_coef"
                : p.VfCoef != o.VfCoef ? "vf_coef"
                : p.MaxGradNorm != o.MaxGradNorm ? "max_grad_norm"
                : member.TrainsValueJointly != first.TrainsValueJointly ? "train_value_iterations"
                : policy.Options.Activation != agents[0].Policy.Options.Activation || !SameShape(policy.ActorLayers, agents[0].Policy.ActorLayers) || !SameShape(policy.CriticLayers, agents[0].Policy.CriticLayers) ? "the network shape"
                : null;
            if (differs is not null)
            {
                return $"the batched update needs every member alike in {differs}";
            }
        }

        if (DevicePopulationOptimizer.Check([.. agents.Select(a => ((IMinibatchUpdate)a).UpdateOptimizer)]) is { } optimizer)
        {
            return $"the batched update needs {optimizer}";
        }

        var shape = agents[0].Policy;
        long widest = shape.ActorLayers.Concat(shape.CriticLayers).Max(l => Math.Max((long)l.InFeatures * l.OutFeatures, Math.Max(l.InFeatures, l.OutFeatures) * (long)first.CurrentRows));
        widest = Math.Max(widest, (shape.HeadSize + 1L) * first.CurrentRows); // the head's packed softmax rows
        return widest * agents.Count > int.MaxValue
            ? $"a batch small enough for one launch ({agents.Count} members x {widest} elements of the largest layer or activation is over {int.MaxValue}); train fewer members at once"
            : null;
    }

    private static bool SameShape(IReadOnlyList<Autodiff.Nn.Linear> a, IReadOnlyList<Autodiff.Nn.Linear> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.InFeatures == p.Second.InFeatures && p.First.OutFeatures == p.Second.OutFeatures);

    // the optimizers' parameter order as stacked arrays: every member's optimizer must train the same arrays in one order
    private static DevicePopulationOptimizer.Slot[]? Slots(IOnPolicyAlgorithm[] members, DeviceMlpStack actor, DeviceMlpStack critic, DevicePopulationHead head, out string? reason)
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

        arrays.AddRange(head.Arrays());
        static IReadOnlyList<Parameter> Trained(IOnPolicyAlgorithm m) => ((IMinibatchUpdate)m).UpdateOptimizer.Parameters;
        var order = Trained(members[0]).Select(p => arrays.FindIndex(a => a.Of(members[0].Policy) == p)).ToArray();
        bool same = order.All(i => i >= 0) && members.All(m =>
            Trained(m).Count == order.Length
            && order.Select((a, i) => arrays[a].Of(m.Policy) == Trained(m)[i]).All(x => x));
        if (!same)
        {
            reason = "the batched update needs every member's optimizer to train its actor and critic layers (and log-std) in one order";
            return null;
        }

        reason = null;
        return [.. order.Select(a => new DevicePopulationOptimizer.Slot(arrays[a].View.Value, arrays[a].View.Grad, arrays[a].View.Length, [.. members.Select(m => arrays[a].Of(m.Policy))]))];
    }
}
