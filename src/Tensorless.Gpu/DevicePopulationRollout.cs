using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>
/// A population's rollouts on one device (<see cref="IPopulationRolloutDevice"/>): the device, its kernels (compiled once
/// for all members) and one <see cref="DeviceRollout"/> over every member, K x N envs stepped by each launch.
/// </summary>
public sealed class DevicePopulationRollout : IPopulationRolloutDevice
{
    private readonly GpuDevice _device;
    private readonly DeviceRollout _rollout;

    private DevicePopulationRollout(GpuDevice device, DeviceRollout rollout)
    {
        _device = device;
        _rollout = rollout;
    }

    /// <inheritdoc />
    public string Name => _device.Name;

    /// <summary>Builds the batched rollouts of <paramref name="learners"/> on a new device of <paramref name="kind"/>.</summary>
    /// <exception cref="NotSupportedException">The members are not ones the device rollout serves; the message names what differs.</exception>
    /// <exception cref="DeviceUnavailableException">No such accelerator here.</exception>
    public static DevicePopulationRollout Create(DeviceKind kind, IReadOnlyList<OnPolicyLearner> learners)
    {
        ArgumentNullException.ThrowIfNull(learners);
        var device = GpuDevice.Create(kind);
        try
        {
            var rollout = DeviceRollout.TryCreate(device, new DeviceKernels(device), learners, out string? reason)
                ?? throw new NotSupportedException($"--device {kind.ToName()} for a population: {reason}. Train the population on the CPU (no --device), or make its members alike.");
            return new DevicePopulationRollout(device, rollout);
        }
        catch
        {
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
    public void Dispose()
    {
        _rollout.Dispose();
        _device.Dispose();
    }
}
