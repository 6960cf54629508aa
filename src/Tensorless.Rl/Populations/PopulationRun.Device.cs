using Tensorless.Rl.Runs;
using Tensorless.Rl.Training;

namespace Tensorless.Rl.Populations;

/// <summary>A population's rollouts batched on a device (<see cref="PopulationRequest.Device"/>).</summary>
public sealed partial class PopulationRun
{
    /// <summary>Where the members' rollouts run (<see cref="PopulationRequest.Device"/>): null for the CPU.</summary>
    public string? DeviceName => _rollouts?.Name;

    /// <summary>
    /// The batched rollouts of the members still to train on <paramref name="device"/>, each member's learner pointed at
    /// its part; null for the CPU (or when no member is left).
    /// </summary>
    /// <exception cref="NotSupportedException">The device cannot serve these members; the message says why.</exception>
    private static IPopulationRolloutDevice? CreateRollouts(string? device, TrainingRun?[] runs)
    {
        var learners = runs.Where(r => r is not null).Select(r => r!.Agent.Learner).ToArray();
        if (device is null || learners.Length == 0)
        {
            return null;
        }

        var rollouts = GradientDevices.CreatePopulation(device, learners);
        for (int k = 0; k < learners.Length && rollouts is not null; k++)
        {
            learners[k].RolloutDevice = rollouts.Member(k);
        }

        return rollouts;
    }
}
