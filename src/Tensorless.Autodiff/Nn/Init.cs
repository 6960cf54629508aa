namespace Tensorless.Autodiff.Nn;

/// <summary>
/// Weight initialisation schemes with PyTorch's semantics (<c>torch.nn.init</c>), drawing from an explicit
/// <see cref="Xoshiro256"/> so one seed gives one network. The draws differ from PyTorch's generator; the distributions
/// do not.
/// </summary>
public static class Init
{
    /// <summary>
    /// PyTorch's <c>nn.Linear.reset_parameters</c>: weight, then bias, uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)), with
    /// fan_in = the weight's columns. For the weight this is <c>kaiming_uniform_(a=sqrt(5))</c>: gain sqrt(2/(1+5)) times
    /// sqrt(3/fan_in) is exactly 1/sqrt(fan_in).
    /// </summary>
    public static void PyTorchDefault(Parameter weight, Parameter? bias, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(weight);
        ArgumentNullException.ThrowIfNull(rng);
        double bound = 1.0 / Math.Sqrt(weight.Cols);
        rng.FillUniform(weight.Data, -bound, bound);
        if (bias is not null)
        {
            rng.FillUniform(bias.Data, -bound, bound);
        }
    }

    /// <summary>Fills the parameter uniformly in [low, high).</summary>
    /// <exception cref="ArgumentException">The bounds are not finite or low &gt; high.</exception>
    public static void Uniform(Parameter parameter, double low, double high, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        ArgumentNullException.ThrowIfNull(rng);
        if (!double.IsFinite(low) || !double.IsFinite(high) || low > high)
        {
            throw new ArgumentException($"Uniform init needs finite bounds with low <= high, got [{low}, {high}).");
        }

        rng.FillUniform(parameter.Data, low, high);
    }

    /// <summary>Sets every value to zero.</summary>
    public static void Zeros(Parameter parameter) => Constant(parameter, 0.0);

    /// <summary>Sets every value to <paramref name="value"/>.</summary>
    public static void Constant(Parameter parameter, double value)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        parameter.Data.Fill(value);
    }

    /// <summary>
    /// <c>torch.nn.init.orthogonal_</c> on a rows x cols weight: QR of a standard Gaussian matrix (transposed first when
    /// rows &lt; cols so the factorised matrix is tall), Q's columns multiplied by the signs of R's diagonal so the result is
    /// uniformly (Haar) distributed, transposed back, times <paramref name="gain"/>. Then W W^T = gain^2 I when
    /// rows &lt;= cols and W^T W = gain^2 I when rows &gt;= cols.
    /// </summary>
    /// <exception cref="ArgumentException">The gain is negative or not finite.</exception>
    public static void Orthogonal(Parameter weight, double gain, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(weight);
        Orthogonal(weight.Data, weight.Rows, weight.Cols, gain, rng);
    }

    /// <summary>As <see cref="Orthogonal(Parameter, double, Xoshiro256)"/> on a row-major rows x cols span.</summary>
    /// <exception cref="ArgumentException">The span is not rows x cols, or the gain is negative or not finite.</exception>
    public static void Orthogonal(Span<double> weight, int rows, int cols, double gain, Xoshiro256 rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (rows <= 0 || cols <= 0 || weight.Length != rows * cols)
        {
            throw new ArgumentException($"Orthogonal init needs a {rows}x{cols} span with positive dimensions, got length {weight.Length}.", nameof(weight));
        }

        if (!double.IsFinite(gain) || gain < 0)
        {
            throw new ArgumentException($"Orthogonal init needs a finite, non-negative gain, got {gain}.", nameof(gain));
        }

        // Draw rows x cols row-major as PyTorch does, then factorise the tall orientation (m >= n).
        var drawn = new double[rows * cols];
        rng.FillGaussian(drawn);
        bool transpose = rows < cols;
        int m = transpose ? cols : rows;
        int n = transpose ? rows : cols;
        double[] a = transpose ? Transpose(drawn, rows, cols) : drawn;
        Span<double> diag = n <= 256 ? stackalloc double[n] : new double[n];
        double[] q = Householder.ReducedQ(a, m, n, diag);
        for (int j = 0; j < n; j++)
        {
            // Sign correction; an exact zero on R's diagonal (probability zero) keeps the column as is.
            double s = diag[j] < 0 ? -gain : gain;
            for (int i = 0; i < m; i++)
            {
                q[i * n + j] *= s;
            }
        }

        if (transpose)
        {
            Transpose(q, m, n).CopyTo(weight);
        }
        else
        {
            q.CopyTo(weight);
        }
    }

    private static double[] Transpose(double[] x, int rows, int cols)
    {
        var t = new double[x.Length];
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                t[j * rows + i] = x[i * cols + j];
            }
        }

        return t;
    }
}
