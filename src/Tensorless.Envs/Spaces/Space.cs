using System.Globalization;
using System.Text;
using Tensorless.Envs.Random;

namespace Tensorless.Envs.Spaces;

/// <summary>
/// The set an observation or action belongs to, as Gymnasium's <c>spaces</c>. Elements travel as flat
/// <see cref="double"/> spans of <see cref="FlatSize"/> values; a <see cref="Discrete"/> element is one
/// double holding an integer.
/// </summary>
public abstract record Space
{
    /// <summary>Number of doubles one element of the space occupies (1 for <see cref="Discrete"/>).</summary>
    public abstract int FlatSize { get; }

    /// <summary>Whether <paramref name="x"/> is an element of the space (right length, in bounds, no NaN).</summary>
    public abstract bool Contains(ReadOnlySpan<double> x);

    /// <summary>Writes a random element drawn from <paramref name="rng"/> into <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is not <see cref="FlatSize"/> long.</exception>
    public abstract void Sample(Pcg64 rng, Span<double> destination);

    /// <summary>Allocating form of <see cref="Sample(Pcg64, Span{double})"/>.</summary>
    public double[] Sample(Pcg64 rng)
    {
        var x = new double[FlatSize];
        Sample(rng, x);
        return x;
    }

    /// <summary>Formats a double the way Gymnasium prints bounds (shortest round-trip, <c>inf</c>).</summary>
    internal static string Format(double value) => value switch
    {
        double.PositiveInfinity => "inf",
        double.NegativeInfinity => "-inf",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private protected void CheckDestination(Span<double> destination)
    {
        if (destination.Length != FlatSize)
        {
            throw new ArgumentException($"Sample of {this} needs a destination of length {FlatSize}, got {destination.Length}.", nameof(destination));
        }
    }
}

/// <summary>The integers 0 .. N-1, Gymnasium's <c>Discrete(n)</c> (start 0).</summary>
/// <param name="N">Number of elements; must be positive.</param>
public sealed record Discrete(int N) : Space
{
    /// <summary>Number of elements.</summary>
    public int N { get; } = N > 0 ? N : throw new ArgumentOutOfRangeException(nameof(N), N, "A Discrete space needs at least one element.");

    /// <inheritdoc />
    public override int FlatSize => 1;

    /// <summary>Whether <paramref name="x"/> is one double holding an integer in [0, N).</summary>
    public override bool Contains(ReadOnlySpan<double> x) => x.Length == 1 && Contains(x[0]);

    /// <summary>Whether <paramref name="value"/> is an integer in [0, N) (NaN is not).</summary>
    public bool Contains(double value) => value >= 0 && value < N && Math.Floor(value) == value;

    /// <inheritdoc />
    public override void Sample(Pcg64 rng, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckDestination(destination);
        destination[0] = rng.NextInt(N);
    }

    /// <inheritdoc />
    public override string ToString() => $"Discrete({N})";
}

/// <summary>
/// A box [Low, High] in R^Shape, Gymnasium's <c>Box</c>. Bounds are stored flat (row-major) and may be
/// infinite; for Gymnasium's float32 boxes they hold the float32 bounds widened to double.
/// </summary>
public sealed record Box : Space
{
    /// <summary>Creates a box with per-element bounds.</summary>
    /// <param name="Low">Lower bounds, one per element.</param>
    /// <param name="High">Upper bounds, one per element.</param>
    /// <param name="Shape">Dimensions; their product must equal the bound lengths.</param>
    /// <exception cref="ArgumentException">Lengths disagree, a bound is NaN or a low bound exceeds its high bound.</exception>
    public Box(double[] Low, double[] High, int[] Shape)
    {
        ArgumentNullException.ThrowIfNull(Low);
        ArgumentNullException.ThrowIfNull(High);
        ArgumentNullException.ThrowIfNull(Shape);
        int size = 1;
        foreach (int d in Shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Box shape dimensions must be non-negative, got {d}.", nameof(Shape));
            }

            size *= d;
        }

        if (Low.Length != size || High.Length != size)
        {
            throw new ArgumentException($"Box bounds must have {size} elements for its shape, got {Low.Length} and {High.Length}.", nameof(Low));
        }

        for (int i = 0; i < size; i++)
        {
            if (double.IsNaN(Low[i]) || double.IsNaN(High[i]) || Low[i] > High[i])
            {
                throw new ArgumentException($"Box bound {i} is invalid: low {Low[i]}, high {High[i]}.", nameof(Low));
            }
        }

        this.Low = (double[])Low.Clone();
        this.High = (double[])High.Clone();
        this.Shape = (int[])Shape.Clone();
        Size = size;
    }

    /// <summary>A box with the same scalar bounds on every element.</summary>
    public Box(double low, double high, params int[] shape)
        : this(Fill(low, shape), Fill(high, shape), shape)
    {
    }

    /// <summary>Lower bounds, flat.</summary>
    public double[] Low { get; }

    /// <summary>Upper bounds, flat.</summary>
    public double[] High { get; }

    /// <summary>Dimensions.</summary>
    public int[] Shape { get; }

    /// <summary>Number of elements (the product of <see cref="Shape"/>).</summary>
    public int Size { get; }

    /// <inheritdoc />
    public override int FlatSize => Size;

    /// <summary>Whether <paramref name="x"/> has <see cref="Size"/> values, each within its bounds (NaN is not).</summary>
    public override bool Contains(ReadOnlySpan<double> x)
    {
        if (x.Length != Size)
        {
            return false;
        }

        for (int i = 0; i < x.Length; i++)
        {
            if (!(x[i] >= Low[i] && x[i] <= High[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Draws each element as Gymnasium does: uniform on a bounded interval, normal when unbounded
    /// on both sides, a shifted exponential when bounded on one side.</summary>
    public override void Sample(Pcg64 rng, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(rng);
        CheckDestination(destination);
        for (int i = 0; i < Size; i++)
        {
            double lo = Low[i], hi = High[i];
            bool finiteLow = double.IsFinite(lo), finiteHigh = double.IsFinite(hi);
            destination[i] = (finiteLow, finiteHigh) switch
            {
                (true, true) => rng.Uniform(lo, hi),
                (false, false) => rng.NextGaussian(),
                (true, false) => lo - Math.Log(1.0 - rng.NextDouble()),
                (false, true) => hi + Math.Log(1.0 - rng.NextDouble()),
            };
        }
    }

    /// <summary>Value equality over bounds and shape (records compare arrays by reference otherwise).</summary>
    public bool Equals(Box? other) =>
        other is not null && Shape.AsSpan().SequenceEqual(other.Shape) && Low.AsSpan().SequenceEqual(other.Low) && High.AsSpan().SequenceEqual(other.High);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = default(HashCode);
        foreach (int d in Shape)
        {
            hash.Add(d);
        }

        foreach (double v in Low)
        {
            hash.Add(v);
        }

        foreach (double v in High)
        {
            hash.Add(v);
        }

        return hash.ToHashCode();
    }

    /// <summary>Gymnasium-style text: <c>Box(-2, 2, (1,))</c> when the bounds are uniform, lists otherwise.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("Box(");
        AppendBounds(text, Low);
        text.Append(", ");
        AppendBounds(text, High);
        text.Append(", (");
        text.Append(string.Join(", ", Shape));
        text.Append(Shape.Length == 1 ? ",))" : "))");
        return text.ToString();
    }

    private static void AppendBounds(StringBuilder text, double[] bounds)
    {
        if (bounds.Length > 0 && Array.TrueForAll(bounds, b => b.Equals(bounds[0])))
        {
            text.Append(Format(bounds[0]));
            return;
        }

        text.Append('[');
        text.Append(string.Join(", ", bounds.Select(Format)));
        text.Append(']');
    }

    private static double[] Fill(double value, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        int size = 1;
        foreach (int d in shape)
        {
            size *= Math.Max(d, 0);
        }

        var values = new double[size];
        Array.Fill(values, value);
        return values;
    }
}
