using Tensorless.Rl.Algorithms;
using Tensorless.Rl.Training;

namespace Tensorless.Gpu;

/// <summary>Adds the ILGPU devices to <see cref="GradientDevices"/>: <c>ilgpu-cpu</c>, <c>cuda</c> and <c>opencl</c>, for single agents and for populations' rollouts.</summary>
public static class GpuGradientDevices
{
    /// <summary>The device gradient for <paramref name="agent"/>; a missing accelerator is reported as a <see cref="NotSupportedException"/> with its reason.</summary>
    private static IGradientDevice Create(DeviceKind kind, Tensorless.Rl.Algorithms.IOnPolicyAlgorithm agent)
    {
        try
        {
            return DeviceActorCriticGradient.Create(kind, agent);
        }
        catch (DeviceUnavailableException e)
        {
            throw new NotSupportedException($"{e.Message} Train with --device cpu (the default), or on a machine with that device.", e);
        }
    }

    /// <summary>A population's batched rollouts; a missing accelerator is reported as a <see cref="NotSupportedException"/> with its reason.</summary>
    private static IPopulationRolloutDevice CreatePopulation(DeviceKind kind, IReadOnlyList<IOnPolicyAlgorithm> members)
    {
        try
        {
            return DevicePopulation.Create(kind, members);
        }
        catch (DeviceUnavailableException e)
        {
            throw new NotSupportedException($"{e.Message} Train with --device cpu (the default), or on a machine with that device.", e);
        }
    }

    /// <summary>Registers the three device names (idempotent). A device that is missing fails when a run asks for it, with its reason.</summary>
    public static void Register()
    {
        foreach (var kind in new[] { DeviceKind.IlgpuCpu, DeviceKind.Cuda, DeviceKind.OpenCl })
        {
            GradientDevices.Register(kind.ToName(), agent => Create(kind, agent));
            GradientDevices.RegisterPopulation(kind.ToName(), members => CreatePopulation(kind, members));
        }
    }
}
