using System.Text;
using Tensorless.Envs.Random;

namespace Tensorless.Envs.Core;

/// <summary>Snapshots of a batched built-in env (see <see cref="ISnapshotVectorEnv"/>).</summary>
internal sealed partial class ClassicVectorEnv : ISnapshotVectorEnv
{
    // "TLVE" + format version; bump the version when the layout changes so old bytes fail loudly instead of misreading.
    private const uint SnapshotMagic = 0x45564C54;
    private const int SnapshotVersion = 1;

    /// <inheritdoc />
    public byte[] SaveSnapshot()
    {
        using var stream = new MemoryStream();
        using (var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(SnapshotMagic);
            w.Write(SnapshotVersion);
            w.Write(Id);
            w.Write(NumEnvs);
            w.Write(StateSize);
            w.Write(ObservationSize);
            w.Write(started);
            w.Write(pendingSeed.HasValue);
            w.Write(pendingSeed ?? 0UL);
            Span<double> state = stackalloc double[StateSize];
            Span<ulong> words = stackalloc ulong[Pcg64.StateWords];
            for (int i = 0; i < NumEnvs; i++)
            {
                core.GetState(i, state);
                foreach (double v in state)
                {
                    w.Write(BitConverter.DoubleToInt64Bits(v));
                }

                w.Write(elapsed[i]);
                w.Write(hasFinal[i]);
                foreach (double v in finalObservations.AsSpan(i * ObservationSize, ObservationSize))
                {
                    w.Write(BitConverter.DoubleToInt64Bits(v));
                }

                w.Write(rngs[i] is not null);
                words.Clear();
                rngs[i]?.WriteState(words);
                foreach (ulong word in words)
                {
                    w.Write(word);
                }
            }
        }

        return stream.ToArray();
    }

    /// <inheritdoc />
    public void LoadSnapshot(ReadOnlySpan<byte> snapshot)
    {
        int n = NumEnvs, stateSize = StateSize, obsSize = ObservationSize;
        var states = new double[n * stateSize];
        var steps = new int[n];
        var finals = new bool[n];
        var finalObs = new double[n * obsSize];
        var generators = new Pcg64?[n];
        bool wasStarted;
        ulong? pending;
        using (var r = new BinaryReader(new MemoryStream(snapshot.ToArray()), Encoding.UTF8))
        {
            try
            {
                Expect(r.ReadUInt32() == SnapshotMagic, "it does not start with the vector-env snapshot marker");
                int version = r.ReadInt32();
                Expect(version == SnapshotVersion, $"it has format version {version}, this build reads {SnapshotVersion}");
                string id = r.ReadString();
                Expect(id == Id, $"it is a snapshot of '{id}'");
                int count = r.ReadInt32(), size = r.ReadInt32(), obs = r.ReadInt32();
                Expect(count == n && size == stateSize && obs == obsSize,
                    $"it holds {count} envs with {size} state and {obs} observation values, this env {n}, {stateSize} and {obsSize}");
                wasStarted = r.ReadBoolean();
                bool hasPending = r.ReadBoolean();
                ulong seed = r.ReadUInt64();
                pending = hasPending ? seed : null;
                Span<ulong> words = stackalloc ulong[Pcg64.StateWords];
                for (int i = 0; i < n; i++)
                {
                    for (int k = 0; k < stateSize; k++)
                    {
                        states[(i * stateSize) + k] = BitConverter.Int64BitsToDouble(r.ReadInt64());
                    }

                    steps[i] = r.ReadInt32();
                    Expect(steps[i] >= 0, $"env {i} has a negative step count {steps[i]}");
                    finals[i] = r.ReadBoolean();
                    for (int k = 0; k < obsSize; k++)
                    {
                        finalObs[(i * obsSize) + k] = BitConverter.Int64BitsToDouble(r.ReadInt64());
                    }

                    bool hasRng = r.ReadBoolean();
                    for (int k = 0; k < words.Length; k++)
                    {
                        words[k] = r.ReadUInt64();
                    }

                    generators[i] = hasRng ? Pcg64.FromState(words) : null;
                }

                Expect(r.BaseStream.Position == r.BaseStream.Length, "it has trailing bytes");
            }
            catch (EndOfStreamException)
            {
                throw new ArgumentException($"{Id}: the snapshot is truncated.", nameof(snapshot));
            }
        }

        // Everything is parsed and checked; only now is the env touched, so a bad snapshot leaves it as it was.
        Apply(states, generators, steps, finals, finalObs);
        started = wasStarted;
        pendingSeed = pending;
    }

    private void Expect(bool condition, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{Id}: not a valid snapshot for this env: {problem}.", "snapshot");
        }
    }
}
