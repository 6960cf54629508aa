using System.Numerics;
using System.Runtime.CompilerServices;

namespace Tensorless.Autodiff;

/// <summary>
/// xoshiro256** (Blackman and Vigna, 2018): a small, fast, seedable generator, passed explicitly to whatever needs
/// randomness so that one seed gives one stream. Seeding expands the 64-bit seed with SplitMix64, as the authors advise.
/// Uniform draws are bit-identical on every machine; normal draws use the polar method, which needs only
/// <c>Math.Log</c> and <see cref="Math.Sqrt"/>.
/// </summary>
public sealed class Xoshiro256
{
    private ulong _s0, _s1, _s2, _s3;

    /// <summary>Creates a generator from a 64-bit seed.</summary>
    public Xoshiro256(ulong seed)
    {
        ulong x = seed;
        _s0 = SplitMix64(ref x);
        _s1 = SplitMix64(ref x);
        _s2 = SplitMix64(ref x);
        _s3 = SplitMix64(ref x);
    }

    /// <summary>Restores a generator from a state captured by <see cref="GetState()"/>.</summary>
    /// <exception cref="ArgumentException">The state does not have 4 words or is all zero (a state xoshiro never leaves).</exception>
    public Xoshiro256(ReadOnlySpan<ulong> state) => SetState(state);

    /// <summary>Next 64 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64() => Next(ref _s0, ref _s1, ref _s2, ref _s3);

    /// <summary>
    /// xoshiro256**'s step on a state held elsewhere (the four words, advanced in place): the one definition of the
    /// generator, which the GPU backend's kernels call too. Rotations are written as shifts, which the JIT turns into
    /// rotate instructions and GPU compilers accept.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Next(ref ulong s0, ref ulong s1, ref ulong s2, ref ulong s3)
    {
        ulong x = s1 * 5;
        ulong result = ((x << 7) | (x >> 57)) * 9;
        ulong t = s1 << 17;
        s2 ^= s0;
        s3 ^= s1;
        s1 ^= s2;
        s0 ^= s3;
        s2 ^= t;
        s3 = (s3 << 45) | (s3 >> 19);
        return result;
    }

    /// <summary>A uniform double in [0, 1) with 53 random bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniform double in [low, high).</summary>
    public double NextDouble(double low, double high) => low + (high - low) * NextDouble();

    /// <summary>A uniform integer in [0, n), without modulo bias (Lemire's method).</summary>
    /// <exception cref="ArgumentOutOfRangeException">n is not positive.</exception>
    public int NextInt(int n)
    {
        if (n <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(n), n, "The upper bound must be positive.");
        }

        ulong bound = (ulong)n;
        ulong threshold = (0UL - bound) % bound;
        while (true)
        {
            ulong high = Math.BigMul(NextUInt64(), bound, out ulong low);
            if (low >= threshold)
            {
                return (int)high;
            }
        }
    }

    /// <summary>A standard normal draw (polar method; the second value of each pair is discarded to keep the state 256 bits).</summary>
    public double NextGaussian()
    {
        double u, v, s;
        do
        {
            u = 2.0 * NextDouble() - 1.0;
            v = 2.0 * NextDouble() - 1.0;
            s = u * u + v * v;
        }
        while (s >= 1.0 || s == 0.0);

        return u * Math.Sqrt(-2.0 * Math.Log(s) / s);
    }

    /// <summary>Fills <paramref name="destination"/> with standard normal draws, using both values of each polar pair.</summary>
    public void FillGaussian(Span<double> destination)
    {
        int i = 0;
        while (i < destination.Length)
        {
            double u, v, s;
            do
            {
                u = 2.0 * NextDouble() - 1.0;
                v = 2.0 * NextDouble() - 1.0;
                s = u * u + v * v;
            }
            while (s >= 1.0 || s == 0.0);

            double f = Math.Sqrt(-2.0 * Math.Log(s) / s);
            destination[i++] = u * f;
            if (i < destination.Length)
            {
                destination[i++] = v * f;
            }
        }
    }

    /// <summary>Fills <paramref name="destination"/> with uniform draws in [low, high).</summary>
    public void FillUniform(Span<double> destination, double low, double high)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = low + (high - low) * NextDouble();
        }
    }

    /// <summary>
    /// Returns a generator for an independent stream: a copy of this one advanced by 2^128 draws (the authors' jump), after
    /// which this generator also jumps, so repeated calls hand out non-overlapping streams.
    /// </summary>
    public Xoshiro256 Split()
    {
        Jump();
        var child = new Xoshiro256(0) { _s0 = _s0, _s1 = _s1, _s2 = _s2, _s3 = _s3 };
        Jump();
        return child;
    }

    /// <summary>Writes the 4-word state into <paramref name="state"/> (for checkpoints).</summary>
    /// <exception cref="ArgumentException">The span is shorter than 4.</exception>
    public void GetState(Span<ulong> state)
    {
        if (state.Length < 4)
        {
            throw new ArgumentException($"The generator state needs 4 words, got a span of {state.Length}.", nameof(state));
        }

        state[0] = _s0;
        state[1] = _s1;
        state[2] = _s2;
        state[3] = _s3;
    }

    /// <summary>The 4-word state (for checkpoints).</summary>
    public ulong[] GetState()
    {
        var s = new ulong[4];
        GetState(s);
        return s;
    }

    /// <summary>Restores a state captured by <see cref="GetState()"/>.</summary>
    /// <exception cref="ArgumentException">The state does not have 4 words or is all zero.</exception>
    public void SetState(ReadOnlySpan<ulong> state)
    {
        if (state.Length != 4)
        {
            throw new ArgumentException($"The generator state has 4 words, got {state.Length}.", nameof(state));
        }

        if ((state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw new ArgumentException("An all-zero state is invalid for xoshiro256**.", nameof(state));
        }

        (_s0, _s1, _s2, _s3) = (state[0], state[1], state[2], state[3]);
    }

    private void Jump()
    {
        ReadOnlySpan<ulong> jump = [0x180ec6d33cfd0abaUL, 0xd5a61266f0c9392cUL, 0xa9582618e03fc9aaUL, 0x39abdc4529b1661cUL];
        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        foreach (ulong word in jump)
        {
            for (int b = 0; b < 64; b++)
            {
                if ((word & (1UL << b)) != 0)
                {
                    s0 ^= _s0;
                    s1 ^= _s1;
                    s2 ^= _s2;
                    s3 ^= _s3;
                }

                NextUInt64();
            }
        }

        (_s0, _s1, _s2, _s3) = (s0, s1, s2, s3);
    }

    private static ulong SplitMix64(ref ulong x)
    {
        ulong z = x += 0x9e3779b97f4a7c15UL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
