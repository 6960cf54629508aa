namespace Tensorless.Envs.Random;

/// <summary>
/// NumPy's <c>SeedSequence</c> (O'Neill's seed_seq-style entropy mixer) for an integer seed with no spawn key.
/// Gymnasium seeds every env through <c>np.random.SeedSequence(seed)</c> feeding a <see cref="Pcg64"/>,
/// so reproducing this hash bit for bit is what lets <c>Reset(seed: S)</c> give Gymnasium's initial states.
/// </summary>
public sealed class SeedSequence
{
    private const int PoolSize = 4;
    private const uint InitA = 0x43b0d7e5;
    private const uint MultA = 0x931e8875;
    private const uint InitB = 0x8b51f9dd;
    private const uint MultB = 0x58f38ded;
    private const uint MixMultL = 0xca01f9dd;
    private const uint MixMultR = 0x4973f715;
    private const int XShift = 16;

    private readonly uint[] pool = new uint[PoolSize];

    /// <summary>Mixes <paramref name="entropy"/> into the pool, as <c>SeedSequence(entropy)</c> does.</summary>
    public SeedSequence(ulong entropy)
    {
        Entropy = entropy;
        // NumPy splits a Python int into little-endian 32-bit words; 0 becomes the single word [0].
        Span<uint> words = stackalloc uint[2];
        words[0] = (uint)entropy;
        words[1] = (uint)(entropy >> 32);
        int length = words[1] == 0 ? 1 : 2;
        MixEntropy(words[..length]);
    }

    /// <summary>The seed this sequence was built from.</summary>
    public ulong Entropy { get; }

    /// <summary>Fills <paramref name="destination"/> with 32-bit words, as <c>generate_state(n, np.uint32)</c>.</summary>
    public void GenerateState(Span<uint> destination)
    {
        uint hashConst = InitB;
        for (int i = 0; i < destination.Length; i++)
        {
            uint value = pool[i % PoolSize];
            value ^= hashConst;
            hashConst *= MultB;
            value *= hashConst;
            value ^= value >> XShift;
            destination[i] = value;
        }
    }

    /// <summary>Fills <paramref name="destination"/> with 64-bit words, as <c>generate_state(n, np.uint64)</c>
    /// (pairs of 32-bit words viewed little-endian).</summary>
    public void GenerateState(Span<ulong> destination)
    {
        Span<uint> words = destination.Length <= 16 ? stackalloc uint[destination.Length * 2] : new uint[destination.Length * 2];
        GenerateState(words);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = words[2 * i] | ((ulong)words[(2 * i) + 1] << 32);
        }
    }

    private void MixEntropy(ReadOnlySpan<uint> entropy)
    {
        uint hashConst = InitA;
        for (int i = 0; i < PoolSize; i++)
        {
            pool[i] = HashMix(i < entropy.Length ? entropy[i] : 0u, ref hashConst);
        }

        for (int src = 0; src < PoolSize; src++)
        {
            for (int dst = 0; dst < PoolSize; dst++)
            {
                if (src != dst)
                {
                    pool[dst] = Mix(pool[dst], HashMix(pool[src], ref hashConst));
                }
            }
        }

        for (int src = PoolSize; src < entropy.Length; src++)
        {
            for (int dst = 0; dst < PoolSize; dst++)
            {
                pool[dst] = Mix(pool[dst], HashMix(entropy[src], ref hashConst));
            }
        }
    }

    private static uint HashMix(uint value, ref uint hashConst)
    {
        value ^= hashConst;
        hashConst *= MultA;
        value *= hashConst;
        value ^= value >> XShift;
        return value;
    }

    private static uint Mix(uint x, uint y)
    {
        uint result = (MixMultL * x) - (MixMultR * y);
        result ^= result >> XShift;
        return result;
    }
}
