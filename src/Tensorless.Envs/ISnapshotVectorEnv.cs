namespace Tensorless.Envs;

/// <summary>
/// A vector env whose complete state can be captured and restored, so that a training run saved to a checkpoint and
/// resumed later steps exactly as if it had never stopped. A snapshot holds everything a later <see cref="IVectorEnv.Step"/>
/// depends on: each env's physical state, its elapsed-step counter, its random generator's words, the last step's final
/// observations and flags, and whether (and with which pending seed) the env has been reset.
/// </summary>
public interface ISnapshotVectorEnv
{
    /// <summary>
    /// The complete state as an opaque, versioned byte string (little-endian; doubles and generator words stored bit for
    /// bit, never rounded through text).
    /// </summary>
    byte[] SaveSnapshot();

    /// <summary>Restores a state captured by <see cref="SaveSnapshot"/> of an env with the same id, count and sizes.</summary>
    /// <exception cref="ArgumentException">The bytes are not a snapshot of this kind of env (wrong format, version, id,
    /// env count or sizes, or truncated); the env is left unchanged.</exception>
    void LoadSnapshot(ReadOnlySpan<byte> snapshot);
}
