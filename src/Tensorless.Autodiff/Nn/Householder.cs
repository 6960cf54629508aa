namespace Tensorless.Autodiff.Nn;

/// <summary>
/// A small Householder QR for initialisation (sizes of a policy network, run once), not a hot-path kernel. Householder
/// reflections keep Q orthogonal to rounding even for ill-conditioned inputs, where classical Gram-Schmidt loses it.
/// </summary>
internal static class Householder
{
    /// <summary>
    /// Reduced QR of the row-major m x n matrix <paramref name="a"/> (m &gt;= n): returns Q (m x n, orthonormal columns)
    /// row-major and writes the diagonal of R into <paramref name="diagR"/>. <paramref name="a"/> is overwritten.
    /// </summary>
    public static double[] ReducedQ(double[] a, int m, int n, Span<double> diagR)
    {
        if (m < n)
        {
            throw new ArgumentException($"Reduced QR needs rows >= cols, got {m}x{n}.");
        }

        // Reflector k is I - 2 v v^T with v (unit, stored in vs[k]) acting on rows k..m-1.
        var vs = new double[n][];
        for (int k = 0; k < n; k++)
        {
            int len = m - k;
            var v = new double[len];
            double norm = 0;
            for (int i = 0; i < len; i++)
            {
                v[i] = a[(k + i) * n + k];
                norm += v[i] * v[i];
            }

            norm = Math.Sqrt(norm);
            // alpha takes the sign opposite to x0 so that v0 = x0 - alpha does not cancel.
            double alpha = v[0] >= 0 ? -norm : norm;
            v[0] -= alpha;
            double vNorm = 0;
            for (int i = 0; i < len; i++)
            {
                vNorm += v[i] * v[i];
            }

            vNorm = Math.Sqrt(vNorm);
            if (vNorm > 0)
            {
                for (int i = 0; i < len; i++)
                {
                    v[i] /= vNorm;
                }

                Reflect(a, n, k, v, firstCol: k);
            }

            vs[k] = v;
            diagR[k] = a[k * n + k];
        }

        // Q = H_0 H_1 ... H_{n-1} applied to the first n columns of the identity, last reflector first.
        var q = new double[m * n];
        for (int i = 0; i < n; i++)
        {
            q[i * n + i] = 1.0;
        }

        for (int k = n - 1; k >= 0; k--)
        {
            Reflect(q, n, k, vs[k], firstCol: 0);
        }

        return q;
    }

    /// <summary>Applies I - 2 v v^T to rows k.. of the row-major matrix <paramref name="x"/> (n columns), columns firstCol..n-1.</summary>
    private static void Reflect(double[] x, int n, int k, double[] v, int firstCol)
    {
        for (int j = firstCol; j < n; j++)
        {
            double dot = 0;
            for (int i = 0; i < v.Length; i++)
            {
                dot += v[i] * x[(k + i) * n + j];
            }

            if (dot == 0)
            {
                continue;
            }

            double f = 2.0 * dot;
            for (int i = 0; i < v.Length; i++)
            {
                x[(k + i) * n + j] -= f * v[i];
            }
        }
    }
}
