using ILGPU;

namespace Tensorless.Gpu.Kernels;

/// <summary>
/// The parts of a vector env's step and a rollout that are not physics (Tensorless.Envs' <c>ClassicVectorEnv.Step</c>
/// and <c>RolloutCollector</c>): the time limit, the same-step autoreset from each env's PCG64 stream with the ended
/// episode's final observation kept, the Box actions' clipping, and the truncation bootstrap's choice of values.
/// </summary>
internal static class RolloutKernels
{
    /// <summary>The env whose reset <see cref="EndEpisodes"/> draws (<see cref="ResetState"/>).</summary>
    public const int CartPole = 0, CartPoleSwingUp = 1, Pendulum = 2, Acrobot = 3, MountainCar = 4, MountainCarContinuous = 5;

    /// <summary>
    /// One thread per env, after the step and the observation of the new state: counts the step, truncates at
    /// <paramref name="limit"/>, and for an env whose episode ended keeps its observation as the env's final one (and,
    /// where it was truncated and not terminated, as the rollout's row at <paramref name="rowOffset"/>), resets its state
    /// from its PCG64 stream and restarts its count. The caller observes the state again afterwards, which rewrites the
    /// reset envs' rows.
    /// </summary>
    public static void EndEpisodes(
        Index1D i, int env, int stateSize, int observationSize, int limit, int rowOffset,
        ArrayView<double> state, ArrayView<double> observations, ArrayView<int> elapsed, ArrayView<ulong> generators,
        ArrayView<byte> terminated, ArrayView<byte> truncated, ArrayView<byte> terminatedBefore,
        ArrayView<double> envFinalObservations, ArrayView<double> rolloutFinalObservations)
    {
        int t = elapsed[i] + 1;
        bool cut = t >= limit;
        truncated[i] = cut ? (byte)1 : (byte)0;
        bool done = terminated[i] != 0;
        if (!cut && !done)
        {
            elapsed[i] = t;
            return;
        }

        int o = i * observationSize;
        for (int j = 0; j < observationSize; j++)
        {
            envFinalObservations[o + j] = observations[o + j];
            if (cut && !done)
            {
                rolloutFinalObservations[((rowOffset + i) * observationSize) + j] = observations[o + j];
            }
        }

        ResetState(env, state, i * stateSize, generators, i * 4);
        terminatedBefore[i] = 0;
        elapsed[i] = 0;
    }

    /// <summary>
    /// The CPU env's <c>Reset(index, rng)</c>: Gymnasium's initial-state distribution drawn from the env's PCG64 in the
    /// CPU env's order, float32-rounded where Gymnasium keeps a float32 state.
    /// </summary>
    public static void ResetState(int env, ArrayView<double> state, int s, ArrayView<ulong> generators, int g)
    {
        switch (env)
        {
            case CartPole:
                for (int j = 0; j < 4; j++)
                {
                    state[s + j] = RandomKernels.Pcg64Uniform(generators, g, -0.05, 0.05);
                }

                break;
            case CartPoleSwingUp:
                state[s] = (float)RandomKernels.Pcg64Normal(generators, g, 0.0, 0.2);
                state[s + 1] = (float)RandomKernels.Pcg64Normal(generators, g, 0.0, 0.2);
                state[s + 2] = (float)RandomKernels.Pcg64Normal(generators, g, Math.PI, 0.2);
                state[s + 3] = (float)RandomKernels.Pcg64Normal(generators, g, 0.0, 0.2);
                break;
            case Pendulum:
                state[s] = RandomKernels.Pcg64Uniform(generators, g, -Math.PI, Math.PI);
                state[s + 1] = RandomKernels.Pcg64Uniform(generators, g, -1.0, 1.0);
                break;
            case Acrobot:
                for (int j = 0; j < 4; j++)
                {
                    state[s + j] = (float)RandomKernels.Pcg64Uniform(generators, g, -0.1, 0.1);
                }

                break;
            case MountainCar:
            case MountainCarContinuous:
                state[s] = RandomKernels.Pcg64Uniform(generators, g, -0.6, -0.4);
                state[s + 1] = 0.0;
                break;
            default: // DeviceEnvModel hands out only the kinds above
                break;
        }
    }

    /// <summary><c>RolloutCollector.ClipActions</c>: the env's copy of [rows x d] actions clipped to the Box bounds per column.</summary>
    public static void ClipActions(Index1D i, ArrayView<double> actions, ArrayView<double> low, ArrayView<double> high, int d, ArrayView<double> envActions)
    {
        // Math.Clamp's rule (NaN stays NaN), written out for the device compilers
        double a = actions[i], lo = low[i % d], hi = high[i % d];
        envActions[i] = a < lo ? lo : a > hi ? hi : a;
    }

    /// <summary><c>dst[i] = V(final observation)</c> where step i was truncated and not terminated, NaN elsewhere (<c>RolloutBuffer.TruncationValues</c>).</summary>
    public static void SelectTruncationValues(Index1D i, ArrayView<double> values, ArrayView<byte> terminated, ArrayView<byte> truncated, ArrayView<double> dst) =>
        dst[i] = truncated[i] != 0 && terminated[i] == 0 ? values[i] : double.NaN;
}
