using System.Runtime.CompilerServices;

namespace Tensorless.Autodiff.Distributions;

/// <summary>Argument checks shared by the distributions; the throws live in cold helpers so the checks inline cheaply.</summary>
internal static class DistributionChecks
{
    /// <summary>Throws unless <paramref name="length"/> equals <paramref name="expected"/>.</summary>
    public static void Length(string distribution, string what, int length, int expected, int rows, int perRow)
    {
        if (length != expected)
        {
            ThrowLength(distribution, what, length, expected, rows, perRow);
        }
    }

    /// <summary>Throws when the tensor <paramref name="t"/> holds a NaN (a NaN parameter would silently turn every output NaN).</summary>
    public static void NoNaN(string distribution, string what, Tensor t)
    {
        var values = t.Data;
        for (int i = 0; i < values.Length; i++)
        {
            if (double.IsNaN(values[i]))
            {
                ThrowNaN(distribution, what, t, i);
            }
        }
    }

    /// <summary>Throws when an action value is NaN.</summary>
    public static void NoNaN(string distribution, ReadOnlySpan<double> actions)
    {
        for (int i = 0; i < actions.Length; i++)
        {
            if (double.IsNaN(actions[i]))
            {
                ThrowNaNAction(distribution, i);
            }
        }
    }

    /// <summary>Throws because the distribution was never bound to parameters.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void ThrowUnbound(string distribution) =>
        throw new InvalidOperationException($"This {distribution} has no parameters yet; call Bind (or the constructor that takes them) first.");

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(string distribution, string what, int length, int expected, int rows, int perRow) =>
        throw new ArgumentException(
            $"{distribution}: {what} needs {expected} values ({rows} rows x {perRow}), got a span of {length}.", what);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNaN(string distribution, string what, Tensor t, int i) =>
        throw new ArgumentException($"{distribution}: the {what} {t.ShapeText} hold NaN at row {i / t.Cols}, column {i % t.Cols}.", what);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowNaNAction(string distribution, int i) =>
        throw new ArgumentException($"{distribution}: action value {i} is NaN.", "actions");
}
