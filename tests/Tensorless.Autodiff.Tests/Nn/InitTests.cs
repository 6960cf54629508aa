using Tensorless.Autodiff.Nn;

namespace Tensorless.Autodiff.Tests.Nn;

public class InitTests
{
    public static TheoryData<int, int, double> Shapes => new()
    {
        { 3, 7, 1.0 }, { 7, 3, 1.0 }, { 5, 5, Math.Sqrt(2) }, { 64, 4, Math.Sqrt(2) }, { 4, 64, 0.01 },
        { 1, 6, 1.0 }, { 6, 1, 2.5 }, { 1, 1, 1.0 }, { 2, 64, 0.01 }, { 65, 64, 1.0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Orthogonal_GramMatrixIsGainSquaredIdentity(int rows, int cols, double gain)
    {
        var w = new Parameter("w", rows, cols);
        Init.Orthogonal(w, gain, new Xoshiro256((ulong)(rows * 1000 + cols)));
        // Rows <= cols: the rows are orthogonal (W W^T); rows > cols: the columns are (W^T W).
        bool byRows = rows <= cols;
        int k = byRows ? rows : cols;
        for (int a = 0; a < k; a++)
        {
            for (int b = 0; b < k; b++)
            {
                double dot = 0;
                int len = byRows ? cols : rows;
                for (int t = 0; t < len; t++)
                {
                    dot += byRows ? w.Value[a, t] * w.Value[b, t] : w.Value[t, a] * w.Value[t, b];
                }

                Assert.Equal(a == b ? gain * gain : 0.0, dot, 1e-10);
            }
        }
    }

    [Fact]
    public void Orthogonal_SameSeedSameMatrix_AndEntriesAreNotAllEqual()
    {
        var a = new Parameter("a", 6, 4);
        var b = new Parameter("b", 6, 4);
        Init.Orthogonal(a, 1.0, new Xoshiro256(5));
        Init.Orthogonal(b, 1.0, new Xoshiro256(5));
        Assert.Equal(a.Data.ToArray(), b.Data.ToArray());
        Assert.True(a.Data.ToArray().Distinct().Count() == a.Length, "a Haar-random matrix has distinct entries");
    }

    [Fact]
    public void Orthogonal_SignCorrection_MakesDiagonalSignsUnbiased()
    {
        // Without the sign correction Householder QR makes R's diagonal one sign, biasing Q; with it each entry's sign
        // is a fair coin. Over 400 draws of a 3x3 matrix the count of positive W[0, 0] stays within ~5 sigma of 200.
        var rng = new Xoshiro256(11);
        var w = new Parameter("w", 3, 3);
        int positive = 0;
        for (int i = 0; i < 400; i++)
        {
            Init.Orthogonal(w, 1.0, rng);
            positive += w.Value[0, 0] > 0 ? 1 : 0;
        }

        Assert.InRange(positive, 150, 250);
    }

    [Fact]
    public void Householder_ReducedQ_QTransposeATimesIsUpperTriangularWithReportedDiagonal()
    {
        const int m = 5, n = 3;
        var a = new double[m * n];
        new Xoshiro256(2).FillGaussian(a);
        var copy = (double[])a.Clone();
        var diag = new double[n];
        var q = Householder.ReducedQ(copy, m, n, diag);
        // R = Q^T A must be upper triangular with diag(R) as reported.
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double r = 0;
                for (int t = 0; t < m; t++)
                {
                    r += q[t * n + i] * a[t * n + j];
                }

                if (i > j)
                {
                    Assert.Equal(0.0, r, 1e-12);
                }
                else if (i == j)
                {
                    Assert.Equal(diag[i], r, 1e-12);
                }
            }
        }
    }

    [Fact]
    public void ZerosAndConstant_FillEveryValue()
    {
        var p = new Parameter("p", 2, 3);
        Init.Constant(p, 0.25);
        Assert.All(p.Data.ToArray(), v => Assert.Equal(0.25, v));
        Init.Zeros(p);
        Assert.All(p.Data.ToArray(), v => Assert.Equal(0.0, v));
    }

    [Fact]
    public void Uniform_DrawsWithinBounds_AndRejectsBadBounds()
    {
        var p = new Parameter("p", 10, 10);
        Init.Uniform(p, -0.5, 2.0, new Xoshiro256(1));
        Assert.All(p.Data.ToArray(), v => Assert.InRange(v, -0.5, 2.0));
        Assert.Throws<ArgumentException>(() => Init.Uniform(p, 1, 0, new Xoshiro256(1)));
        Assert.Throws<ArgumentException>(() => Init.Uniform(p, double.NaN, 0, new Xoshiro256(1)));
    }

    [Fact]
    public void Orthogonal_BadGain_Throws()
    {
        var p = new Parameter("p", 2, 2);
        Assert.Throws<ArgumentException>(() => Init.Orthogonal(p, -1.0, new Xoshiro256(1)));
        Assert.Throws<ArgumentException>(() => Init.Orthogonal(p, double.PositiveInfinity, new Xoshiro256(1)));
    }
}
