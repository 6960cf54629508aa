using Tensorless.Envs.Classic;
using Tensorless.Envs.Core;

namespace Tensorless.Envs;

/// <summary>
/// The env registry, as Gymnasium's <c>gymnasium.make</c>: built-in classic-control envs by their Gymnasium
/// ids, plus envs registered by the host with <see cref="Register"/>.
/// </summary>
public static class Gym
{
    private static readonly object Gate = new();
    private static readonly List<EnvSpec> Registered = [];

    static Gym()
    {
        AddBuiltIn("CartPole-v0", n => new CartPole(n), 200, 195.0);
        AddBuiltIn("CartPole-v1", n => new CartPole(n), 500, 475.0);
        AddBuiltIn("CartPoleSwingUp-v0", n => new CartPoleSwingUp(n), 500, null);
        AddBuiltIn("Pendulum-v1", n => new Pendulum(n), 200, null);
        AddBuiltIn("Acrobot-v1", n => new Acrobot(n), 500, -100.0);
        AddBuiltIn("MountainCar-v0", n => new MountainCar(n), 200, -110.0);
        AddBuiltIn("MountainCarContinuous-v0", n => new MountainCarContinuous(n), 999, 90.0);
    }

    /// <summary>Every registered env, built-in first, in registration order.</summary>
    public static IReadOnlyList<EnvSpec> Specs
    {
        get
        {
            lock (Gate)
            {
                return [.. Registered];
            }
        }
    }

    /// <summary>Makes one env.</summary>
    /// <param name="id">Registry id.</param>
    /// <param name="maxEpisodeSteps">Overrides the spec's time limit.</param>
    /// <exception cref="ArgumentException">Unknown id (the message lists the known ones).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxEpisodeSteps"/> is not positive.</exception>
    public static IEnv Make(string id, int? maxEpisodeSteps = null)
    {
        var spec = Spec(id);
        return spec.MakeSingle(Limit(spec, maxEpisodeSteps));
    }

    /// <summary>Makes a batched vector env of <paramref name="numEnvs"/> copies with same-step auto-reset.</summary>
    /// <param name="id">Registry id.</param>
    /// <param name="numEnvs">Number of envs N.</param>
    /// <param name="seed">Seed for the first <see cref="IVectorEnv.Reset"/> that is given none (env i gets seed + i).</param>
    /// <param name="maxEpisodeSteps">Overrides the spec's time limit.</param>
    /// <exception cref="ArgumentException">Unknown id.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numEnvs"/> or <paramref name="maxEpisodeSteps"/> is not positive.</exception>
    public static IVectorEnv MakeVector(string id, int numEnvs, ulong? seed = null, int? maxEpisodeSteps = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEnvs);
        var spec = Spec(id);
        return spec.MakeVector(numEnvs, Limit(spec, maxEpisodeSteps), seed);
    }

    /// <summary>The spec of <paramref name="id"/>.</summary>
    /// <exception cref="ArgumentException">Unknown id (the message lists the known ones).</exception>
    public static EnvSpec Spec(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (Gate)
        {
            foreach (var spec in Registered)
            {
                if (spec.Id == id)
                {
                    return spec;
                }
            }

            throw new ArgumentException($"Unknown env id '{id}'. Known ids: {string.Join(", ", Registered.Select(s => s.Id))}.", nameof(id));
        }
    }

    /// <summary>
    /// Registers a user env. <see cref="Make"/> calls <paramref name="factory"/> and wraps the result in a
    /// <see cref="TimeLimit"/> when a limit applies; <see cref="MakeVector"/> builds a <see cref="SyncVectorEnv"/>.
    /// </summary>
    /// <param name="id">New, unique id.</param>
    /// <param name="factory">Creates a fresh env; called once here to read the spaces.</param>
    /// <param name="maxEpisodeSteps">Default time limit, or null for none.</param>
    /// <param name="rewardThreshold">Solved threshold, if any.</param>
    /// <exception cref="ArgumentException">The id is already registered.</exception>
    public static EnvSpec Register(string id, Func<IEnv> factory, int? maxEpisodeSteps = null, double? rewardThreshold = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(factory);
        if (maxEpisodeSteps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, "A time limit must be positive.");
        }

        var probe = factory();
        IEnv MakeOne(int? limit)
        {
            var env = factory();
            return limit is { } l ? new TimeLimit(env, l) : env;
        }

        var spec = new EnvSpec(id, probe.ObservationSpace, probe.ActionSpace, maxEpisodeSteps, rewardThreshold)
        {
            MakeSingle = MakeOne,
            MakeVector = (n, limit, seed) => new SyncVectorEnv([.. Enumerable.Range(0, n).Select(_ => MakeOne(limit))], seed),
        };
        Add(spec);
        return spec;
    }

    private static void AddBuiltIn(string id, Func<int, EnvCore> core, int maxEpisodeSteps, double? rewardThreshold)
    {
        var probe = core(1);
        Add(new EnvSpec(id, probe.ObservationSpace, probe.ActionSpace, maxEpisodeSteps, rewardThreshold)
        {
            MakeSingle = limit => new ClassicEnv(id, core(1), limit),
            MakeVector = (n, limit, seed) => new ClassicVectorEnv(id, core(n), limit, seed),
        });
    }

    private static void Add(EnvSpec spec)
    {
        lock (Gate)
        {
            if (Registered.Exists(s => s.Id == spec.Id))
            {
                throw new ArgumentException($"Env id '{spec.Id}' is already registered.", nameof(spec));
            }

            Registered.Add(spec);
        }
    }

    private static int? Limit(EnvSpec spec, int? maxEpisodeSteps)
    {
        if (maxEpisodeSteps is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(maxEpisodeSteps), maxEpisodeSteps, $"{spec.Id}: a time limit must be positive.");
        }

        return maxEpisodeSteps ?? spec.MaxEpisodeSteps;
    }
}
