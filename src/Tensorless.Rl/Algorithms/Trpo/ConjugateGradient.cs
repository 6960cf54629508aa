namespace Tensorless.Rl.Algorithms;

/// <summary>A symmetric positive (semi-)definite matrix known only through its products <c>A v</c>.</summary>
public interface ILinearOperator
{
    /// <summary>Writes <c>A v</c> into <paramref name="result"/> (both of the operator's dimension; they do not overlap).</summary>
    void Multiply(ReadOnlySpan<double> v, Span<double> result);
}

/// <summary>What a conjugate-gradient solve did.</summary>
/// <param name="Iterations">Products with A taken (the Krylov dimension reached).</param>
/// <param name="ResidualNorm">|b - A x| at the end.</param>
public readonly record struct ConjugateGradientResult(int Iterations, double ResidualNorm);

/// <summary>
/// Conjugate gradient (Hestenes and Stiefel 1952; Nocedal and Wright, algorithm 5.2) for <c>A x = b</c> with A symmetric
/// positive definite and available only as products: TRPO's <c>F x = g</c> (Schulman et al. 2015, appendix C), where
/// forming or inverting the Fisher F is out of the question. From <c>x_0 = 0</c>, <c>r_0 = p_0 = b</c>:
/// <c>alpha_k = r_k^T r_k / p_k^T A p_k</c>, <c>x_{k+1} = x_k + alpha_k p_k</c>, <c>r_{k+1} = r_k - alpha_k A p_k</c>,
/// <c>p_{k+1} = r_{k+1} + (r_{k+1}^T r_{k+1} / r_k^T r_k) p_k</c>; it stops after <c>maxSteps</c> products or once
/// <c>r^T r</c> falls below the tolerance (SB3-contrib: 1e-10). In exact arithmetic n steps solve an n x n system.
/// </summary>
public static class ConjugateGradient
{
    /// <summary>
    /// Solves <c>A x = b</c> approximately into <paramref name="x"/>; <paramref name="r"/>, <paramref name="p"/> and
    /// <paramref name="ap"/> are work buffers of the same length, so a solve allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer's length differs from b's, or maxSteps is less than 1.</exception>
    public static ConjugateGradientResult Solve(ILinearOperator a, ReadOnlySpan<double> b, Span<double> x, int maxSteps,
        Span<double> r, Span<double> p, Span<double> ap, double residualTolerance = 1e-10)
    {
        ArgumentNullException.ThrowIfNull(a);
        int n = b.Length;
        if (x.Length != n || r.Length != n || p.Length != n || ap.Length != n)
        {
            throw new ArgumentException($"Conjugate gradient needs x and its work buffers of length {n}.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(maxSteps, 1);
        x.Clear();
        b.CopyTo(r);
        b.CopyTo(p);
        double rr = Dot(r, r);
        int k = 0;
        while (k < maxSteps && rr >= residualTolerance)
        {
            a.Multiply(p, ap);
            k++;
            double pAp = Dot(p, ap);
            if (!(pAp > 0))
            {
                // A is only semi-definite along p (or the product is not finite): no further progress is possible
                break;
            }

            double alpha = rr / pAp;
            for (int i = 0; i < n; i++)
            {
                x[i] += alpha * p[i];
                r[i] -= alpha * ap[i];
            }

            double rrNext = Dot(r, r);
            double beta = rrNext / rr;
            rr = rrNext;
            for (int i = 0; i < n; i++)
            {
                p[i] = r[i] + beta * p[i];
            }
        }

        return new ConjugateGradientResult(k, Math.Sqrt(rr));
    }

    /// <summary><c>sum_i a_i b_i</c>, left to right.</summary>
    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }
}
