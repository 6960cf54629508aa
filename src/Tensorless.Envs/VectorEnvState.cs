namespace Tensorless.Envs;

/// <summary>
/// Everything a built-in vector env keeps per env between two steps, as plain arrays: the physical state, the steps
/// taken in the current episode, the env's PCG64 generator (the words its next resets draw from), and the last step's
/// final observations and flags. <see cref="IExportableVectorEnv"/> fills one and takes one back, so another backend
/// (the ILGPU rollout of Tensorless.Gpu) can step the same envs and hand them back exactly where the CPU would be.
/// </summary>
public sealed class VectorEnvState
{
    /// <summary>Words of one env's generator in <see cref="Generators"/>: state (high, low), then increment (high, low).</summary>
    public const int GeneratorWords = 4;

    /// <summary>Allocates the arrays for <paramref name="numEnvs"/> envs.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive.</exception>
    public VectorEnvState(int numEnvs, int stateSize, int observationSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEnvs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stateSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(observationSize);
        NumEnvs = numEnvs;
        StateSize = stateSize;
        ObservationSize = observationSize;
        States = new double[numEnvs * stateSize];
        Elapsed = new int[numEnvs];
        Generators = new ulong[numEnvs * GeneratorWords];
        HasFinal = new bool[numEnvs];
        FinalObservations = new double[numEnvs * observationSize];
    }

    /// <summary>Number of envs N.</summary>
    public int NumEnvs { get; }

    /// <summary>Doubles of one env's physical state.</summary>
    public int StateSize { get; }

    /// <summary>Doubles of one observation.</summary>
    public int ObservationSize { get; }

    /// <summary>N x StateSize, in <see cref="IStatefulVectorEnv.GetState"/>'s order.</summary>
    public double[] States { get; }

    /// <summary>Steps taken in each env's current episode (the time limit counts these).</summary>
    public int[] Elapsed { get; }

    /// <summary>N x <see cref="GeneratorWords"/>: each env's PCG64 state (high, low) and increment (high, low, odd).</summary>
    public ulong[] Generators { get; }

    /// <summary>Which envs ended an episode in the last step.</summary>
    public bool[] HasFinal { get; }

    /// <summary>N x ObservationSize: the last observation of the episode each flagged env ended in the last step.</summary>
    public double[] FinalObservations { get; }
}

/// <summary>
/// A vector env whose per-env state can be exported as a <see cref="VectorEnvState"/> and imported back: the seam through
/// which another backend steps the same envs (the built-in classic-control envs implement it).
/// </summary>
public interface IExportableVectorEnv : IVectorEnv, IStatefulVectorEnv
{
    /// <summary>Copies every env's state, step count, generator and final observation into <paramref name="state"/>.</summary>
    /// <exception cref="ArgumentException">The arrays' sizes do not match this env.</exception>
    /// <exception cref="InvalidOperationException">The env has not been reset yet (its generators do not exist).</exception>
    void ExportState(VectorEnvState state);

    /// <summary>Puts the envs where <paramref name="state"/> says, as if they had been stepped to it here.</summary>
    /// <exception cref="ArgumentException">The sizes do not match, a step count is negative or an increment is even; the env is left unchanged.</exception>
    /// <exception cref="InvalidOperationException">The env has not been reset yet.</exception>
    void ImportState(VectorEnvState state);
}
