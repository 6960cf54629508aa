namespace Tensorless.Autodiff.Tests.Distributions;

/// <summary>Helpers shared by the distribution tests: tensors from literals, Monte Carlo tolerances.</summary>
internal static class DistributionTestKit
{
    /// <summary>log(2 pi) / 2, written out here rather than taken from the library under test.</summary>
    public static readonly double HalfLog2Pi = 0.5 * Math.Log(2.0 * Math.PI);

    /// <summary>A tensor from a rectangular literal.</summary>
    public static Tensor Matrix(double[,] values, bool requiresGrad = false)
    {
        int rows = values.GetLength(0), cols = values.GetLength(1);
        var t = new Tensor(rows, cols, requiresGrad);
        for (int i = 0; i < rows; i++)
        {
            for (int j = 0; j < cols; j++)
            {
                t[i, j] = values[i, j];
            }
        }

        return t;
    }

    /// <summary>A [1 x n] row tensor.</summary>
    public static Tensor Row(params double[] values) => Tensor.FromValues(1, values.Length, values);

    /// <summary>An [n x 1] column tensor.</summary>
    public static Tensor Column(params double[] values) => Tensor.FromValues(values.Length, 1, values);

    /// <summary>A tensor with every row equal to <paramref name="row"/>.</summary>
    public static Tensor Repeat(int rows, params double[] row)
    {
        var t = new Tensor(rows, row.Length);
        for (int r = 0; r < rows; r++)
        {
            row.CopyTo(t.Data.Slice(r * row.Length, row.Length));
        }

        return t;
    }

    /// <summary>Mean and standard error of the mean of <paramref name="values"/>.</summary>
    public static (double Mean, double StdError) MeanAndError(ReadOnlySpan<double> values)
    {
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double ss = 0;
        foreach (double v in values)
        {
            ss += (v - mean) * (v - mean);
        }

        return (mean, Math.Sqrt(ss / (values.Length - 1) / values.Length));
    }

    /// <summary>Asserts |actual - expected| &lt;= tolerance with a message that shows all three.</summary>
    public static void Near(double expected, double actual, double tolerance, string what = "")
    {
        Assert.True(
            Math.Abs(actual - expected) <= tolerance,
            $"{what}: expected {expected:R} +- {tolerance:R}, got {actual:R} (off by {Math.Abs(actual - expected):R}).");
    }
}
