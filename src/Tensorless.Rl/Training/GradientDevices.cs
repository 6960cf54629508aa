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
    private static readonly Dictionary<string, Func<IReadOnlyList<IOnPolicyAlgorithm>, IPopulationRolloutDevice>> s_populations = new(StringComparer.OrdinalIgnoreCase);
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
    public static void Register(string name, Func<IOnPolicyAlgorithm, IGradientDevice> factory) => Add(s_factories, name, factory);

    /// <summary>Registers (or replaces) the factory of device <paramref name="name"/>'s batched population rollouts (and updates, where it also implements <see cref="IPopulationUpdateDevice"/>).</summary>
    /// <param name="name">The name <c>--device</c> takes.</param>
    /// <param name="factory">Builds the batched rollout for the members; throws <see cref="NotSupportedException"/> for members it cannot serve.</param>
    public static void RegisterPopulation(string name, Func<IReadOnlyList<IOnPolicyAlgorithm>, IPopulationRolloutDevice> factory) =>
        Add(s_populations, name, factory);

    /// <summary>The batched rollouts (and, where the device serves them, updates) of device <paramref name="name"/> for a population's <paramref name="members"/>; null for <c>cpu</c>.</summary>
    /// <exception cref="ArgumentException">No device of that name is registered for populations.</exception>
    /// <exception cref="NotSupportedException">The device cannot serve these members; the message says why.</exception>
    public static IPopulationRolloutDevice? CreatePopulation(string name, IReadOnlyList<IOnPolicyAlgorithm> members)
    {
        ArgumentNullException.ThrowIfNull(members);
        return Find(s_populations, name, "population device") is { } factory ? factory(members) : null;
    }

    /// <summary>Builds device <paramref name="name"/> for <paramref name="agent"/>; null for <c>cpu</c>.</summary>
    /// <exception cref="ArgumentException">No device of that name is registered.</exception>
    /// <exception cref="NotSupportedException">The device cannot serve this algorithm or policy; the message says why.</exception>
    public static IGradientDevice? Create(string name, IOnPolicyAlgorithm agent)
    {
        ArgumentNullException.ThrowIfNull(agent);
        return Find(s_factories, name, "device") is { } factory ? factory(agent) : null;
    }

    private static void Add<T>(Dictionary<string, T> factories, string name, T factory)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("'cpu' is the built-in device and cannot be replaced.");
        }

        lock (s_lock)
        {
            factories[name] = factory;
        }
    }

    // the factory registered as name; null for cpu, which needs none
    private static T? Find<T>(Dictionary<string, T> factories, string name, string what)
        where T : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (string.Equals(name, Cpu, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        T? factory;
        string[] known;
        lock (s_lock)
        {
            factories.TryGetValue(name, out factory);
            known = [Cpu, .. factories.Keys.Order(StringComparer.Ordinal)];
        }

        return factory ?? throw new ArgumentException(
            $"Unknown {what} '{name}'; this process knows {string.Join(", ", known)} (the GPU devices come with Tensorless.Gpu: call GpuGradientDevices.Register()).");
    }
}
