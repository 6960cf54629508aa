namespace Tensorless.Envs.Random;

/// <summary>Exact capture and restore of the generator's 128-bit state and increment, for env snapshots.</summary>
public sealed partial class Pcg64
{
    private Pcg64(UInt128 state, UInt128 increment)
    {
        this.state = state;
        this.increment = increment;
    }

    /// <summary>Number of 64-bit words <see cref="WriteState"/> writes.</summary>
    internal const int StateWords = 4;

    /// <summary>Writes state (high, low) then increment (high, low).</summary>
    internal void WriteState(Span<ulong> words)
    {
        words[0] = (ulong)(state >> 64);
        words[1] = (ulong)state;
        words[2] = (ulong)(increment >> 64);
        words[3] = (ulong)increment;
    }

    /// <summary>Rebuilds a generator from words written by <see cref="WriteState"/>.</summary>
    /// <exception cref="ArgumentException">The increment is even, which no seeded PCG64 has (its stream would be degenerate).</exception>
    internal static Pcg64 FromState(ReadOnlySpan<ulong> words)
    {
        var increment = new UInt128(words[2], words[3]);
        if ((increment & UInt128.One) == UInt128.Zero)
        {
            throw new ArgumentException("A PCG64 increment must be odd; the snapshot is corrupt.", nameof(words));
        }

        return new Pcg64(new UInt128(words[0], words[1]), increment);
    }
}
