using System.Security.Cryptography;

namespace Tensorless.Envs.Random;

/// <summary>
/// NumPy's default bit generator, PCG64 (128-bit LCG state, XSL-RR output), seeded through
/// <see cref="SeedSequence"/> exactly as <c>np.random.Generator(np.random.PCG64(seed))</c>, which is what
/// Gymnasium's <c>np_random</c> is. Uniform doubles use NumPy's mapping <c>(next >> 11) * 2^-53</c>, so
/// uniform draws (and hence the Gymnasium envs' reset states) match NumPy bit for bit. Gaussian and integer
/// draws use our own methods and do not reproduce NumPy's streams.
/// </summary>
public sealed partial class Pcg64
{
    private static readonly UInt128 Multiplier = new(2549297995355413924UL, 4865540595714422341UL);

    private UInt128 state;
    private readonly UInt128 increment;

    /// <summary>Seeds the generator from <paramref name="seed"/> via NumPy's <c>SeedSequence</c>.</summary>
    public Pcg64(ulong seed)
        : this(new SeedSequence(seed))
    {
    }

    /// <summary>Seeds the generator from a seed sequence, as NumPy's <c>PCG64(seed_seq)</c> does.</summary>
    public Pcg64(SeedSequence seedSequence)
    {
        ArgumentNullException.ThrowIfNull(seedSequence);
        Span<ulong> words = stackalloc ulong[4];
        seedSequence.GenerateState(words);
        // NumPy packs the words high-first: state seed = (w0, w1), stream = (w2, w3).
        var initState = new UInt128(words[0], words[1]);
        var initSequence = new UInt128(words[2], words[3]);
        increment = (initSequence << 1) | UInt128.One;
        state = UInt128.Zero;
        Advance();
        state += initState;
        Advance();
    }

    /// <summary>A generator seeded from operating-system entropy, for resets that were never given a seed
    /// (Gymnasium does the same).</summary>
    public static Pcg64 FromEntropy()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return new Pcg64(BitConverter.ToUInt64(bytes));
    }

    /// <summary>Next raw 64-bit output (advance, then XSL-RR of the new state).</summary>
    public ulong NextUInt64()
    {
        Advance();
        ulong high = (ulong)(state >> 64);
        ulong low = (ulong)state;
        int rotation = (int)(high >> 58);
        return ulong.RotateRight(high ^ low, rotation);
    }

    /// <summary>Uniform double in [0, 1) with 53 random bits, NumPy's <c>next_double</c>.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / 9007199254740992.0);

    /// <summary>Effectively computes <c>low + (high - low) * NextDouble()</c>, NumPy's <c>uniform(low, high)</c>.</summary>
    public double Uniform(double low, double high) => low + ((high - low) * NextDouble());

    /// <summary>Standard normal draw by the Box-Muller transform (not NumPy's ziggurat stream).</summary>
    public double NextGaussian()
    {
        // 1 - u lies in (0, 1], so the logarithm is finite.
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    /// <summary>Normal draw with the given mean and standard deviation.</summary>
    public double Normal(double mean, double std) => mean + (std * NextGaussian());

    /// <summary>Unbiased integer in [0, <paramref name="n"/>) by Lemire's multiply-and-reject method.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="n"/> is not positive.</exception>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong bound = (ulong)n;
        UInt128 product = (UInt128)NextUInt64() * bound;
        ulong low = (ulong)product;
        if (low < bound)
        {
            ulong threshold = (0UL - bound) % bound;
            while (low < threshold)
            {
                product = (UInt128)NextUInt64() * bound;
                low = (ulong)product;
            }
        }

        return (int)(product >> 64);
    }

    private void Advance() => state = (state * Multiplier) + increment;
}
