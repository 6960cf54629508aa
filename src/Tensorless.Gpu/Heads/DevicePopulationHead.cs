using ILGPU;
using ILGPU.Runtime;
using Tensorless.Autodiff;
using Tensorless.Rl.Policies;

namespace Tensorless.Gpu.Heads;

/// <summary>
/// The action head of a population's batched update over K members x rows rows: the log-probabilities and entropies of
/// every member's minibatch and their rules into the actor's output, each member's values the bits its own
/// <see cref="DevicePolicyHead"/> gives it. Categorical (<see cref="Categorical"/>: row by row, no parameters) or diagonal
/// Gaussian (<see cref="DevicePopulationGaussianHead"/>: each member's own log-std, a stacked parameter).
/// </summary>
internal abstract class DevicePopulationHead : IDisposable
{
    /// <summary>The head for the members' action space (they share it), for <paramref name="members"/> members of <paramref name="rows"/> rows.</summary>
    public static DevicePopulationHead Create(GpuDevice device, DeviceKernels kernels, ActorCriticPolicy policy, int members, int rows) =>
        policy.IsDiscrete
            ? new Categorical(device, kernels, policy.HeadSize, members, rows)
            : new DevicePopulationGaussianHead(device, kernels, policy.HeadSize, members, rows);

    /// <summary>Columns of an action row: 1 for a categorical action, the Gaussian's dimension for a Box action.</summary>
    public abstract int ActionColumns { get; }

    /// <summary>Entropy values per member, laid back to back: one per row (categorical), or one per member (a state-independent log-std).</summary>
    public abstract int EntropyPerMember { get; }

    /// <summary>Every member's log-probabilities [K x rows] and entropies [K x <see cref="EntropyPerMember"/>] from the actor's output [K x rows x head].</summary>
    public abstract void Forward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> logProb, ArrayView<double> entropy);

    /// <summary>
    /// The rules into <paramref name="gradHead"/> (overwritten) and the head's own parameters' gradients: each member's
    /// log-probability gradient from <paramref name="gradLogProb"/> and its entropy term weighted
    /// <c>-entCoef / EntropyPerMember</c>, as the single agent's loss weights its mean.
    /// </summary>
    public abstract void Backward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> entropy, ArrayView<double> gradLogProb, double entCoef, ArrayView<double> gradHead);

    /// <summary>The head's own parameters as stacked arrays [K x length], each with the member's CPU parameter it mirrors.</summary>
    public virtual IEnumerable<((ArrayView<double> Value, ArrayView<double> Grad, int Length) View, Func<ActorCriticPolicy, Parameter> Of)> Arrays() => [];

    /// <summary>Allocates every buffer the head's passes need now, so a device too small fails when the batch is built.</summary>
    public virtual void Reserve()
    {
    }

    /// <summary>Copies every member's head parameters to the device.</summary>
    public virtual void Upload(IReadOnlyList<ActorCriticPolicy> policies)
    {
    }

    /// <summary>Copies the head parameters back into the listed members' policies (a null entry is left alone).</summary>
    public virtual void Download(IReadOnlyList<ActorCriticPolicy?> policies)
    {
    }

    public abstract void Dispose();

    /// <summary>K members' categorical rows as one batch of K x rows rows: the single head's kernels, row by row.</summary>
    private sealed class Categorical(GpuDevice device, DeviceKernels kernels, int k, int members, int rows) : DevicePopulationHead
    {
        private readonly DeviceCategoricalHead _head = new(device, kernels, k);

        public override int ActionColumns => 1;

        public override int EntropyPerMember => rows;

        public override void Forward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> logProb, ArrayView<double> entropy) =>
            _head.Forward(head, actions, logProb, entropy, members * rows);

        public override void Backward(ArrayView<double> head, ArrayView<double> actions, ArrayView<double> entropy, ArrayView<double> gradLogProb, double entCoef, ArrayView<double> gradHead) =>
            _head.Backward(head, actions, entropy, gradLogProb, -entCoef * (1.0 / rows), gradHead, members * rows);

        public override void Reserve() => _head.Reserve(members * rows);

        public override void Dispose() => _head.Dispose();
    }
}
