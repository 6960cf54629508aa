using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Distributions;

/// <summary>
/// Builds a valid Cholesky factor from an unconstrained d x d parameter, so a covariance can be trained with plain
/// gradient steps: <c>L[i, j] = raw[i, j]</c> below the diagonal, <c>L[j, j] = exp(raw[j, j])</c> on it (always positive),
/// and 0 above it (the upper triangle of the parameter gets no gradient). <c>raw = 0</c> gives <c>L = I</c>; a diagonal of
/// <c>log sigma_j</c> gives independent coordinates with standard deviations <c>sigma_j</c>.
/// </summary>
public static class CholeskyFactor
{
    /// <summary>
    /// Computes L from <paramref name="raw"/> [d x d] on the tape, differentiable in raw:
    /// <c>L = raw * strictLower + exp(raw * I) * I</c>, five element-wise ops on d x d, with masks from the tape's workspace.
    /// </summary>
    /// <exception cref="ArgumentException">raw is not square.</exception>
    public static Tensor FromUnconstrained(Tape tape, Tensor raw)
    {
        ArgumentNullException.ThrowIfNull(tape);
        ArgumentNullException.ThrowIfNull(raw);
        int d = CheckSquare(raw.Rows, raw.Cols);
        var strictLower = tape.Workspace.Allocate(d, d);
        var diagonal = tape.Workspace.Allocate(d, d);
        for (int i = 0; i < d; i++)
        {
            strictLower.Data.Slice(i * d, i).Fill(1.0);
            diagonal.Data[i * d + i] = 1.0;
        }

        // exp is taken of raw * I, not of raw, so a large off-diagonal entry cannot overflow to inf and turn inf * 0 into NaN
        var diag = tape.Mul(tape.Exp(tape.Mul(raw, diagonal)), diagonal);
        return tape.Add(tape.Mul(raw, strictLower), diag);
    }

    /// <summary>Computes L from <paramref name="raw"/> (both d x d, row-major) without a tape, for inference.</summary>
    /// <exception cref="ArgumentException">A span is not d x d long, or d is not positive.</exception>
    public static void FromUnconstrained(ReadOnlySpan<double> raw, Span<double> factor, int d)
    {
        if (d <= 0 || raw.Length != d * d || factor.Length != d * d)
        {
            throw new ArgumentException(
                $"{nameof(CholeskyFactor)} needs raw and factor spans of {d}x{d} = {(long)d * d} values with d > 0, got {raw.Length} and {factor.Length}.");
        }

        TriangularKernels.LowerFromUnconstrained(raw, factor, d);
    }

    private static int CheckSquare(int rows, int cols)
    {
        if (rows != cols)
        {
            throw new ArgumentException($"{nameof(CholeskyFactor)} needs a square unconstrained parameter, got [{rows}x{cols}].", "raw");
        }

        return rows;
    }
}
