using Tensorless.Rl.Algorithms;

namespace Tensorless.Rl.Training;

/// <summary>
/// The devices a run can collect rollouts and compute gradients on besides the CPU (<c>cpu</c>, built in, needs nothing),
/// for one agent (<see cref="Create"/>) and for a population's batched rollouts (<see cref="CreatePopulation"/>): an optional backend
/// registers its names here (<c>Tensorless.Gpu.GpuGradientDevices.Register()</c> adds <c>ilgpu-cpu</c>, <c>cuda</c> and
/// <c>opencl</c>), so the core libraries never load an accelerator library.
/// </summary>
public static class GradientDevices
{
    /// <summary>The built-in device: the CPU kernels on the run's own threads.</summary>
    public const string Cpu = "cpu";

    private static readonly Dictionary<string, Func<IOnPolicyAlgorithm, IGradientDevice>> s_factories = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Dictionary<string, Func<IReadOnlyList<OnPolicyLearner>, IPopulationRolloutDevice>> s_populations = new(StringComparer.OrdinalIgnoreCase);
    private static readonly Lock s_lock = new();

    /// <summary>Every device name a run accepts now: <c>cpu</c> and the registered ones.</summary>
    public static IReadOnlyList<string> Names
    {
        get
        {
            lock (s_lock)
            {
                return [Cpu, .. s_factories.Keys.Order(StringComparer.Ordinal)];
            }
        }
    }

    /// <summary>Registers (or replaces) the factory of device <paramref name="name"/>.</summary>
    /// <param name="name">The name <c>--device</c> takes.</param>
    /// <param name="factory">Builds the device for an agent; throws <see cref="NotSupportedException"/> for an agent it cannot serve.</param>
    public static void Register(string name, Func<IOnPolicyAlgorithm, IGradientDevice> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("'cpu' is the built-in device and cannot be replaced.");
        }

        lock (s_lock)
        {
            s_factories[name] = factory;
        }
    }

    /// <summary>Registers (or replaces) the factory of device <paramref name="name"/>'s batched population rollouts.</summary>
    /// <param name="name">The name <c>--device</c> takes.</param>
    /// <param name="factory">Builds the batched rollout for the members' learners; throws <see cref="NotSupportedException"/> for members it cannot serve.</param>
    public static void RegisterPopulation(string name, Func<IReadOnlyList<OnPolicyLearner>, IPopulationRolloutDevice> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("'cpu' is the built-in device and cannot be replaced.");
        }

        lock (s_lock)
        {
            s_populations[name] = factory;
        }
    }

    /// <summary>The batched rollouts of device <paramref name="name"/> for a population's <paramref name="learners"/>; null for <c>cpu</c>.</summary>
    /// <exception cref="ArgumentException">No device of that name is registered for populations.</exception>
    /// <exception cref="NotSupportedException">The device cannot serve these members; the message says why.</exception>
    public static IPopulationRolloutDevice? CreatePopulation(string name, IReadOnlyList<OnPolicyLearner> learners)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(learners);
        if (string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Func<IReadOnlyList<OnPolicyLearner>, IPopulationRolloutDevice>? factory;
        lock (s_lock)
        {
            s_populations.TryGetValue(name, out factory);
        }

        return factory is null
            ? throw new ArgumentException($"Unknown population device '{name}'; this process knows {string.Join(", ", [Cpu, .. s_populations.Keys.Order(StringComparer.Ordinal)])} (the GPU devices come with Tensorless.Gpu: call GpuGradientDevices.Register()).")
            : factory(learners);
    }

    /// <summary>Builds device <paramref name="name"/> for <paramref name="agent"/>; null for <c>cpu</c>.</summary>
    /// <exception cref="ArgumentException">No device of that name is registered.</exception>
    /// <exception cref="NotSupportedException">The device cannot serve this algorithm or policy; the message says why.</exception>
    public static IGradientDevice? Create(string name, IOnPolicyAlgorithm agent)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(agent);
        if (string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Func<IOnPolicyAlgorithm, IGradientDevice>? factory;
        lock (s_lock)
        {
            s_factories.TryGetValue(name, out factory);
        }

        return factory is null
            ? throw new ArgumentException($"Unknown device '{name}'; this process knows {string.Join(", ", Names)} (the GPU devices come with Tensorless.Gpu: call GpuGradientDevices.Register()).")
            : factory(agent);
    }
}
