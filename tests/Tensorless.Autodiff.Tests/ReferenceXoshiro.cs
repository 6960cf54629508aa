namespace Tensorless.Autodiff.Tests;

/// <summary>
/// A deliberately plain transcription of Blackman and Vigna's reference C code (xoshiro256starstar.c, splitmix64.c),
/// written independently of the library so the tests compare two implementations of the published algorithm.
/// </summary>
internal sealed class ReferenceXoshiro
{
    private readonly ulong[] _s;

    public ReferenceXoshiro(ulong s0, ulong s1, ulong s2, ulong s3) => _s = [s0, s1, s2, s3];

    public ulong[] State => (ulong[])_s.Clone();

    public static ulong Rotl(ulong x, int k) => (x << k) | (x >> (64 - k));

    public ulong Next()
    {
        ulong result = Rotl(_s[1] * 5, 7) * 9;
        ulong t = _s[1] << 17;
        _s[2] ^= _s[0];
        _s[3] ^= _s[1];
        _s[1] ^= _s[2];
        _s[0] ^= _s[3];
        _s[2] ^= t;
        _s[3] = Rotl(_s[3], 45);
        return result;
    }

    /// <summary>The reference jump(): equivalent to 2^128 calls to Next().</summary>
    public void Jump()
    {
        ulong[] jump = [0x180ec6d33cfd0abaUL, 0xd5a61266f0c9392cUL, 0xa9582618e03fc9aaUL, 0x39abdc4529b1661cUL];
        ulong s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (int i = 0; i < jump.Length; i++)
        {
            for (int b = 0; b < 64; b++)
            {
                if ((jump[i] & (1UL << b)) != 0)
                {
                    s0 ^= _s[0];
                    s1 ^= _s[1];
                    s2 ^= _s[2];
                    s3 ^= _s[3];
                }

                Next();
            }
        }

        _s[0] = s0;
        _s[1] = s1;
        _s[2] = s2;
        _s[3] = s3;
    }

    /// <summary>splitmix64.c's next(): adds the golden gamma, then mixes.</summary>
    public static ulong SplitMix64(ref ulong x)
    {
        x += 0x9e3779b97f4a7c15UL;
        ulong z = x;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
        return z ^ (z >> 31);
    }
}
