using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Tests.Kernels;

/// <summary>Softmax, log-sum-exp and entropy kernels against naive loops, and the packed and span forms against each other.</summary>
public class SoftmaxKernelsTests
{
    [Fact]
    public void LogSumExp_EveryLengthUpTo70_MatchesNaiveLoop()
    {
        for (int n = 1; n <= 70; n++)
        {
            var row = Row(n, (ulong)n, -5, 5);
            double naive = 0;
            foreach (double v in row)
            {
                naive += Math.Exp(v);
            }

            naive = Math.Log(naive);
            Assert.True(Math.Abs(naive - SoftmaxKernels.LogSumExp(row)) <= 1e-13 * (1 + Math.Abs(naive)), $"length {n}");
        }
    }

    [Fact]
    public void LogSumExp_HugeAndMaskedLogits_StaysFinite()
    {
        Assert.Equal(1000.0 + Math.Log(2.0), SoftmaxKernels.LogSumExp([1000.0, 1000.0, double.NegativeInfinity]));
        Assert.Equal(double.NegativeInfinity, SoftmaxKernels.LogSumExp([double.NegativeInfinity, double.NegativeInfinity]));
    }

    [Fact]
    public void SoftmaxRows_RandomRows_MatchNaiveSoftmaxAndLogSumExpBits()
    {
        const int rows = 9;
        for (int k = 1; k <= 20; k++)
        {
            var logits = Row(rows * k, (ulong)(100 + k), -20, 20);
            var packed = new double[rows * (k + 1)];
            SoftmaxKernels.SoftmaxRows(logits, packed, rows, k);
            for (int r = 0; r < rows; r++)
            {
                var row = logits.AsSpan(r * k, k);
                double lse = packed[r * (k + 1) + k];
                Assert.Equal(SoftmaxKernels.LogSumExp(row), lse); // the same bits: one formula
                double total = 0;
                foreach (double v in row)
                {
                    total += Math.Exp(v - lse);
                }

                Assert.True(Math.Abs(total - 1.0) <= 1e-12);
                for (int j = 0; j < k; j++)
                {
                    Assert.True(Math.Abs(Math.Exp(row[j] - lse) - packed[r * (k + 1) + j]) <= 1e-13, $"k {k}, row {r}, col {j}");
                }

                Assert.Equal(
                    SoftmaxKernels.EntropyOfRow(row),
                    SoftmaxKernels.EntropyFromSoftmax(row, packed.AsSpan(r * (k + 1), k), lse));
            }
        }
    }

    [Fact]
    public void EntropyOfRow_MaskedCategory_MatchesNaiveMinusSumPLogP()
    {
        double[] row = [0.3, double.NegativeInfinity, -1.2, 2.0];
        double lse = SoftmaxKernels.LogSumExp(row);
        double naive = 0;
        foreach (double v in row)
        {
            double p = Math.Exp(v - lse);
            naive -= p > 0 ? p * Math.Log(p) : 0;
        }

        Assert.True(Math.Abs(naive - SoftmaxKernels.EntropyOfRow(row)) <= 1e-14);
    }

    [Fact]
    public void LogSoftmaxRows_RandomRows_MatchNaiveLoop()
    {
        const int rows = 4, cols = 13;
        var x = Row(rows * cols, 7, -3, 3);
        var y = new double[rows * cols];
        SoftmaxKernels.LogSoftmaxRows(x, y, rows, cols);
        for (int r = 0; r < rows; r++)
        {
            double s = 0;
            for (int j = 0; j < cols; j++)
            {
                s += Math.Exp(x[r * cols + j]);
            }

            for (int j = 0; j < cols; j++)
            {
                Assert.True(Math.Abs(x[r * cols + j] - Math.Log(s) - y[r * cols + j]) <= 1e-13);
            }
        }
    }

    [Fact]
    public void CategoricalKernels_PackedAndSpanForms_GiveTheSameBits()
    {
        const int rows = 6, k = 5;
        var logits = Row(rows * k, 3, -4, 4);
        logits[7] = double.NegativeInfinity;
        double[] actions = [0, 4, 1, 3, 2, 0];
        var packed = new double[rows * (k + 1)];
        SoftmaxKernels.SoftmaxRows(logits, packed, rows, k);
        double[] fused = new double[rows], span = new double[rows];
        CategoricalKernels.LogProb(logits, actions, packed, fused, k);
        CategoricalKernels.LogProbRows(logits, actions, span, k);
        GradientKernelsTests.AssertSameBits(span, fused, rows);
        CategoricalKernels.Entropy(logits, packed, fused, k);
        CategoricalKernels.EntropyRows(logits, span, k);
        GradientKernelsTests.AssertSameBits(span, fused, rows);
    }

    [Fact]
    public void AccumulateColumnSums_NarrowAndWideRows_MatchRowOrderLoop()
    {
        const int rows = 5;
        for (int cols = 0; cols <= 20; cols++)
        {
            var g = Row(rows * cols, (ulong)(cols + 40), -1, 1);
            var acc = Row(cols, (ulong)(cols + 80), -1, 1);
            var expected = (double[])acc.Clone();
            for (int r = 0; r < rows; r++)
            {
                for (int j = 0; j < cols; j++)
                {
                    expected[j] += g[r * cols + j];
                }
            }

            ReductionKernels.AccumulateColumnSums(g, acc, rows, cols);
            GradientKernelsTests.AssertSameBits(expected, acc, cols);
        }
    }

    private static double[] Row(int n, ulong seed, double low, double high)
    {
        var v = new double[n];
        new Xoshiro256(seed).FillUniform(v, low, high);
        return v;
    }
}
