using ILGPU;
using Tensorless.Gpu.Kernels;

namespace Tensorless.Gpu;

/// <summary>
/// A built-in classic-control env as a device rollout steps it: which physics and observation kernels, and which reset
/// (<see cref="RolloutKernels.ResetState"/>). Built from the env id, so a user env registered under another id is never
/// mistaken for one of these.
/// </summary>
internal sealed class DeviceEnvModel
{
    private readonly Action<DeviceKernels, ArrayView<double>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, ArrayView<byte>, int> _step;
    private readonly Action<DeviceKernels, ArrayView<double>, ArrayView<double>, int> _observe;

    private DeviceEnvModel(
        int kind, int stateSize, int observationSize,
        Action<DeviceKernels, ArrayView<double>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, ArrayView<byte>, int> step,
        Action<DeviceKernels, ArrayView<double>, ArrayView<double>, int> observe)
    {
        Kind = kind;
        StateSize = stateSize;
        ObservationSize = observationSize;
        _step = step;
        _observe = observe;
    }

    /// <summary>The <see cref="RolloutKernels"/> constant of this env's reset.</summary>
    public int Kind { get; }

    /// <summary>Doubles of one env's state.</summary>
    public int StateSize { get; }

    /// <summary>Doubles of one observation.</summary>
    public int ObservationSize { get; }

    /// <summary>The ids a device rollout steps.</summary>
    public static IReadOnlyList<string> Ids { get; } =
        ["CartPole-v0", "CartPole-v1", "CartPoleSwingUp-v0", "Pendulum-v1", "Acrobot-v1", "MountainCar-v0", "MountainCarContinuous-v0"];

    /// <summary>The model of env <paramref name="id"/>, or null for an env the device does not step.</summary>
    public static DeviceEnvModel? For(string id) => id switch
    {
        "CartPole-v0" or "CartPole-v1" => new(RolloutKernels.CartPole, 4, 4, (k, s, before, a, r, d, n) => k.CartPoleStep(s, before, a, r, d, n), (k, s, o, n) => k.CartPoleObservations(s, o, n)),
        "CartPoleSwingUp-v0" => new(RolloutKernels.CartPoleSwingUp, 4, 5, (k, s, _, a, r, d, n) => k.CartPoleSwingUpStep(s, a, r, d, n), (k, s, o, n) => k.CartPoleSwingUpObservations(s, o, n)),
        "Pendulum-v1" => new(RolloutKernels.Pendulum, 2, 3, (k, s, _, a, r, d, n) => k.PendulumStep(s, a, r, d, n), (k, s, o, n) => k.PendulumObservations(s, o, n)),
        "Acrobot-v1" => new(RolloutKernels.Acrobot, 4, 6, (k, s, _, a, r, d, n) => k.AcrobotStep(s, a, r, d, n), (k, s, o, n) => k.AcrobotObservations(s, o, n)),
        "MountainCar-v0" => new(RolloutKernels.MountainCar, 2, 2, (k, s, _, a, r, d, n) => k.MountainCarStep(s, a, r, d, n), (k, s, o, n) => k.MountainCarObservations(s, o, n)),
        "MountainCarContinuous-v0" => new(RolloutKernels.MountainCarContinuous, 2, 2, (k, s, _, a, r, d, n) => k.MountainCarContinuousStep(s, a, r, d, n), (k, s, o, n) => k.MountainCarContinuousObservations(s, o, n)),
        _ => null,
    };

    /// <summary>Steps n envs in place (CartPole also reads and sets its reward-after-termination flags).</summary>
    public void Step(DeviceKernels kernels, ArrayView<double> state, ArrayView<byte> terminatedBefore, ArrayView<double> actions, ArrayView<double> rewards, ArrayView<byte> terminated, int n) =>
        _step(kernels, state, terminatedBefore, actions, rewards, terminated, n);

    /// <summary>Writes n observation rows from the state.</summary>
    public void Observe(DeviceKernels kernels, ArrayView<double> state, ArrayView<double> observations, int n) => _observe(kernels, state, observations, n);
}
