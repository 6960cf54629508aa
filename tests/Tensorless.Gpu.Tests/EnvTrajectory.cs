using ILGPU;
using Tensorless.Autodiff;
using Tensorless.Envs;
using Tensorless.Envs.Spaces;

namespace Tensorless.Gpu.Tests;

/// <summary>Launches one env's device step: state, CartPole's reward-after-termination flags (the other envs ignore them), actions, rewards, terminated, n.</summary>
internal delegate void DeviceStep(DeviceKernels kernels, ArrayView<double> state, ArrayView<byte> terminatedBefore, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n);

/// <summary>Launches one env's device observation kernel: state, observations, n.</summary>
internal delegate void DeviceObserve(DeviceKernels kernels, ArrayView<double> state, ArrayView<double> observations, int n);

/// <summary>Picks one env's action from its current CPU state (random, or biased so episodes reach their terminal states).</summary>
internal delegate void TestPolicy(Xoshiro256 rng, Space actionSpace, ReadOnlySpan<double> state, Span<double> action);

/// <summary>An env id with its device kernels and the policy its trajectory test drives it with.</summary>
internal sealed record DeviceEnv(string Id, DeviceStep Step, DeviceObserve Observe, TestPolicy Policy);

/// <summary>What a trajectory saw: the largest relative differences and how many episodes ended each way.</summary>
internal readonly record struct TrajectoryReport(double State, double Reward, double Observation, int Terminations, int Truncations)
{
    public override string ToString() =>
        $"largest relative difference: state {State:E2}, reward {Reward:E2}, observation {Observation:E2}; {Terminations} terminations, {Truncations} truncations";
}

/// <summary>
/// The device env steps against the CPU envs over long trajectories: every classic-control env with a device kernel,
/// registered by id.
/// </summary>
internal static class EnvTrajectory
{
    public static readonly IReadOnlyDictionary<string, DeviceEnv> Envs = new[]
    {
        new DeviceEnv("CartPole-v1", (k, s, b, a, r, t, n) => k.CartPoleStep(s, b, a, r, t, n), (k, s, o, n) => k.CartPoleObservations(s, o, n), RandomAction),
        // random pushes rarely carry the cart off the track within 500 steps: lean each push to the right
        new DeviceEnv("CartPoleSwingUp-v0", (k, s, _, a, r, t, n) => k.CartPoleSwingUpStep(s, a, r, t, n), (k, s, o, n) => k.CartPoleSwingUpObservations(s, o, n), (rng, _, _, a) => a[0] = rng.NextDouble(-0.75, 1.25)),
        new DeviceEnv("Pendulum-v1", (k, s, _, a, r, t, n) => k.PendulumStep(s, a, r, t, n), (k, s, o, n) => k.PendulumObservations(s, o, n), RandomAction),
        // torque along theta2_dot most of the time (it pumps energy in: random torques never lift the tip to the line)
        new DeviceEnv("Acrobot-v1", (k, s, _, a, r, t, n) => k.AcrobotStep(s, a, r, t, n), (k, s, o, n) => k.AcrobotObservations(s, o, n), Pumping(3)),
        // push along the velocity most of the time: random pushes never reach the flag
        new DeviceEnv("MountainCar-v0", (k, s, _, a, r, t, n) => k.MountainCarStep(s, a, r, t, n), (k, s, o, n) => k.MountainCarObservations(s, o, n), Pumping(1)),
        new DeviceEnv("MountainCarContinuous-v0", (k, s, _, a, r, t, n) => k.MountainCarContinuousStep(s, a, r, t, n), (k, s, o, n) => k.MountainCarContinuousObservations(s, o, n), Pumping(1)),
    }.ToDictionary(e => e.Id);

    /// <summary>
    /// Steps <paramref name="envs"/> CPU envs and the device batch with the same actions; where the CPU episode ends
    /// (terminated or truncated by its time limit) the CPU env resets and its new state is copied into the device (as a
    /// device rollout would after a host-side reset). The device state and reward are compared every step within 1e-12
    /// relative, the termination flags exactly and the float32 observations within 1e-7 (one float32 rounding step).
    /// With <paramref name="resync"/> the CPU state is copied into the device before every step, so each step's
    /// difference is measured alone: a GPU's sin and cos differ from .NET's in the last bits, and a chaotic env
    /// (Acrobot, the swing-up) would grow that past any fixed bound over a free-running episode.
    /// </summary>
    public static TrajectoryReport Run(DeviceKernels kernels, string id, int seed, int envs, int steps, bool resync = false)
    {
        var env = Envs[id];
        var device = kernels.Device;
        var rng = new Xoshiro256((ulong)seed);
        var cpu = new IEnv[envs];
        for (int i = 0; i < envs; i++)
        {
            cpu[i] = Gym.Make(id);
        }

        var actionSpace = cpu[0].ActionSpace;
        int stateSize = ((IStatefulEnv)cpu[0]).StateSize;
        int observationSize = cpu[0].ObservationSpace.FlatSize;
        int actionSize = actionSpace.FlatSize;
        var state = new double[envs * stateSize];
        var obs = new double[observationSize];
        for (int i = 0; i < envs; i++)
        {
            cpu[i].Reset(obs, (ulong)((seed * 1000) + i));
            ((IStatefulEnv)cpu[i]).GetState(state.AsSpan(i * stateSize, stateSize));
        }

        using var dState = device.Upload(state);
        using var dBefore = device.UploadFlags(new bool[envs]);
        using var dActions = device.Allocate(envs * actionSize);
        using var dRewards = device.Allocate(envs);
        using var dTerminated = device.AllocateFlags(envs);
        using var dObs = device.Allocate(envs * observationSize);
        var actions = new double[envs * actionSize];
        var expectedObs = new double[envs * observationSize];
        var expectedRewards = new double[envs];
        var expectedTerminated = new bool[envs];
        var ended = new bool[envs];
        var terminated = new bool[envs];
        var report = default(TrajectoryReport);
        for (int t = 0; t < steps; t++)
        {
            if (resync)
            {
                device.CopyToDevice(state, dState.View);
            }

            for (int i = 0; i < envs; i++)
            {
                var action = actions.AsSpan(i * actionSize, actionSize);
                env.Policy(rng, actionSpace, state.AsSpan(i * stateSize, stateSize), action);
                var result = cpu[i].Step(action, expectedObs.AsSpan(i * observationSize, observationSize));
                expectedRewards[i] = result.Reward;
                expectedTerminated[i] = result.Terminated;
                ended[i] = result.Terminated || result.Truncated;
                report = report with
                {
                    Terminations = report.Terminations + (result.Terminated ? 1 : 0),
                    Truncations = report.Truncations + (result.Truncated && !result.Terminated ? 1 : 0),
                };
                ((IStatefulEnv)cpu[i]).GetState(state.AsSpan(i * stateSize, stateSize));
            }

            device.CopyToDevice(actions, dActions.View);
            env.Step(kernels, dState.View, dBefore.View, dActions.View, dRewards.View, dTerminated.View, envs);
            env.Observe(kernels, dState.View, dObs.View, envs);
            string context = $"{id}, seed {seed}, step {t}";
            report = report with
            {
                State = Math.Max(report.State, TestData.AssertClose(state, device.Download(dState.View), 1e-12, "state, " + context)),
                Reward = Math.Max(report.Reward, TestData.AssertClose(expectedRewards, device.Download(dRewards.View), 1e-12, "rewards, " + context)),
                Observation = Math.Max(report.Observation, TestData.AssertClose(expectedObs, device.Download(dObs.View), 1e-7, "observations, " + context)),
            };
            device.CopyToHost(dTerminated.View, terminated);
            Assert.True(expectedTerminated.AsSpan().SequenceEqual(terminated), "terminated flags, " + context);

            for (int i = 0; i < envs; i++)
            {
                if (ended[i])
                {
                    cpu[i].Reset(obs);
                    ((IStatefulEnv)cpu[i]).GetState(state.AsSpan(i * stateSize, stateSize));
                    device.CopyToDevice(state.AsSpan(i * stateSize, stateSize), dState.View.SubView(i * stateSize, stateSize));
                    device.CopyToDevice([false], dBefore.View.SubView(i, 1));
                }
            }
        }

        return report;
    }

    /// <summary>A uniform action: a discrete index, or a Box action drawn from 1.25 times its bounds so the kernels' clipping runs too (the CPU envs clip out-of-range Box actions, as Gymnasium does).</summary>
    private static void RandomAction(Xoshiro256 rng, Space space, ReadOnlySpan<double> state, Span<double> action)
    {
        if (space is Discrete discrete)
        {
            action[0] = rng.NextInt(discrete.N);
            return;
        }

        var box = (Box)space;
        for (int j = 0; j < action.Length; j++)
        {
            action[j] = rng.NextDouble(1.25 * box.Low[j], 1.25 * box.High[j]);
        }
    }

    /// <summary>Four times in five, the largest push along the sign of state[<paramref name="velocity"/>]; otherwise a random action.</summary>
    private static TestPolicy Pumping(int velocity) => (rng, space, state, action) =>
    {
        RandomAction(rng, space, state, action);
        if (rng.NextDouble() < 0.8)
        {
            bool forward = state[velocity] >= 0;
            action[0] = space is Discrete discrete ? (forward ? discrete.N - 1 : 0) : (forward ? ((Box)space).High[0] : ((Box)space).Low[0]);
        }
    };
}
