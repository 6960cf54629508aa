using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>
/// A population on one device: the device, its kernels (compiled once for all members), one <see cref="DeviceRollout"/>
/// over every member (K x N envs stepped by each launch, <see cref="IPopulationRolloutDevice"/>) and, where the members
/// are PPO or A2C agents alike in what a batch shares, one <see cref="DevicePopulationUpdate"/> that runs all their updates in lockstep
/// (<see cref="IPopulationUpdateDevice"/>); otherwise <see cref="UpdateUnavailableReason"/> says why the members update
/// on the CPU threads.
/// </summary>
public sealed class DevicePopulation : IPopulationRolloutDevice, IPopulationUpdateDevice
{
    private readonly GpuDevice _device;
    private readonly DeviceRollout _rollout;
    private readonly DevicePopulationUpdate? _update;

    private DevicePopulation(GpuDevice device, DeviceRollout rollout, DevicePopulationUpdate? update, string? updateReason)
    {
        _device = device;
        _rollout = rollout;
        _update = update;
        UpdateUnavailableReason = updateReason;
    }

    /// <inheritdoc />
    public string Name => _device.Name;

    /// <inheritdoc />
    public string? UpdateUnavailableReason { get; }

    /// <summary>Builds the batched rollouts, and where it can the batched updates, of <paramref name="members"/> on a new device of <paramref name="kind"/>.</summary>
    /// <exception cref="NotSupportedException">The members are not ones the device rollout serves; the message names what differs.</exception>
    /// <exception cref="DeviceUnavailableException">No such accelerator here.</exception>
    public static DevicePopulation Create(DeviceKind kind, IReadOnlyList<IOnPolicyAlgorithm> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        var device = GpuDevice.Create(kind);
        DeviceRollout? rollout = null;
        try
        {
            var kernels = new DeviceKernels(device);
            rollout = DeviceRollout.TryCreate(device, kernels, [.. members.Select(m => m.Learner)], out string? reason)
                ?? throw new NotSupportedException($"--device {kind.ToName()} for a population: {reason}. Train the population on the CPU (no --device), or make its members alike.");
            DevicePopulationUpdate? update;
            string? updateReason;
            try
            {
                update = DevicePopulationUpdate.TryCreate(device, kernels, members, out updateReason);
            }
            catch (Exception e) when (e is ILGPU.Runtime.AcceleratorException or OutOfMemoryException)
            {
                // the rollouts fit but the update's stacked gradients and optimizer state do not: keep the rollouts here
                (update, updateReason) = (null, $"the device could not hold the batched update ({e.Message}); train fewer members at once");
            }

            return new DevicePopulation(device, rollout, update, update is null ? updateReason : null);
        }
        catch
        {
            rollout?.Dispose();
            device.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    public void CollectAll() => _rollout.CollectAll();

    /// <inheritdoc />
    public IRolloutDevice Member(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)index, (uint)_rollout.Members, nameof(index));
        return _rollout.Member(index);
    }

    /// <inheritdoc />
    public void UpdateAll(ReadOnlySpan<int> members, ReadOnlySpan<double> progressRemaining, IReadOnlyList<MetricsRecord> metrics, Exception?[] errors, int threads = 1)
    {
        var update = _update ?? throw new InvalidOperationException($"This population's updates run on the CPU threads: {UpdateUnavailableReason}.");
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentNullException.ThrowIfNull(errors);
        if (progressRemaining.Length < members.Length || metrics.Count < members.Length || errors.Length < members.Length)
        {
            throw new ArgumentException($"UpdateAll needs a progress, a metrics record and an error slot for each of the {members.Length} members.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(threads, 1);
        var seen = new HashSet<int>();
        for (int j = 0; j < members.Length; j++)
        {
            if ((uint)members[j] >= (uint)update.Members || !seen.Add(members[j]))
            {
                throw new ArgumentException($"UpdateAll's members must be distinct indices below {update.Members}; entry {j} is {members[j]}.", nameof(members));
            }

            if (metrics[j] is null)
            {
                throw new ArgumentException($"UpdateAll's metrics record {j} is null.", nameof(metrics));
            }
        }

        update.UpdateAll(members, progressRemaining, metrics, errors, threads);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _update?.Dispose();
        _rollout.Dispose();
        _device.Dispose();
    }
}
