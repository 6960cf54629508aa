using FsCheck.Fluent;
using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;
using Tensorless.Tests;

namespace Tensorless.Autodiff.Tests.Kernels;

public class GemmTests
{
    private static readonly FsCheck.Gen<(int M, int K, int N, ulong Seed)> Dims =
        from m in Gen.Choose(0, 37)
        from k in Gen.Choose(0, 37)
        from n in Gen.Choose(0, 37)
        from s in Gen.Choose(0, int.MaxValue)
        select (m, k, n, (ulong)s);

    private delegate void Kernel(ReadOnlySpan<double> a, ReadOnlySpan<double> b, Span<double> c, int m, int k, int n, bool accumulate, GemmIsa isa);

    private static readonly GemmIsa[] AllIsas = [GemmIsa.Scalar, GemmIsa.Avx2, GemmIsa.Avx512];

    [Fact]
    public void MatMul_RandomSizes_MatchesNaiveTripleLoop() =>
        Check(Gemm.MatMul, (a, b, m, k, n, i, j) =>
        {
            double s = 0;
            for (int p = 0; p < k; p++)
            {
                s += a[i * k + p] * b[p * n + j];
            }

            return s;
        }, aRows: d => d.M, aCols: d => d.K, bRows: d => d.K, bCols: d => d.N);

    [Fact]
    public void MatMulTransposeA_RandomSizes_MatchesNaiveTripleLoop() =>
        Check(Gemm.MatMulTransposeA, (a, b, m, k, n, i, j) =>
        {
            double s = 0;
            for (int p = 0; p < k; p++)
            {
                s += a[p * m + i] * b[p * n + j];
            }

            return s;
        }, aRows: d => d.K, aCols: d => d.M, bRows: d => d.K, bCols: d => d.N);

    [Fact]
    public void MatMulTransposeB_RandomSizes_MatchesNaiveTripleLoop() =>
        Check(Gemm.MatMulTransposeB, (a, b, m, k, n, i, j) =>
        {
            double s = 0;
            for (int p = 0; p < k; p++)
            {
                s += a[i * k + p] * b[j * k + p];
            }

            return s;
        }, aRows: d => d.M, aCols: d => d.K, bRows: d => d.N, bCols: d => d.K);

    [Theory]
    [InlineData(512, 64, 64)]
    [InlineData(300, 257, 9)]
    [InlineData(16, 4, 64)]
    [InlineData(2048, 64, 2)]
    public void MatMul_RlShapesAndDeepK_MatchesNaive(int m, int k, int n)
    {
        var rng = new Xoshiro256((ulong)(m * 31 + k * 7 + n));
        var a = new double[m * k];
        var b = new double[k * n];
        rng.FillUniform(a, -1, 1);
        rng.FillUniform(b, -1, 1);
        var c = new double[m * n];
        Gemm.MatMul(a, b, c, m, k, n);
        for (int i = 0; i < m; i += 7)
        {
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                {
                    s += a[i * k + p] * b[p * n + j];
                }

                Assert.Equal(s, c[i * n + j], 1e-11);
            }
        }
    }

    [Fact]
    public void MatMulAndTransposeB_RowAloneOrInBatch_SameBits() =>
        SeededProperty.ForAll(Dims, d =>
        {
            int m = d.M + 1;
            var rng = new Xoshiro256(d.Seed);
            var a = new double[m * d.K];
            var b = new double[d.K * d.N];
            rng.FillUniform(a, -1, 1);
            rng.FillUniform(b, -1, 1);
            var batchAb = new double[m * d.N];
            var batchAbt = new double[m * d.N];
            Gemm.MatMul(a, b, batchAb, m, d.K, d.N);
            Gemm.MatMulTransposeB(a, b, batchAbt, m, d.K, d.N);
            var row = new double[d.N];
            for (int i = 0; i < m; i++)
            {
                Gemm.MatMul(a.AsSpan(i * d.K, d.K), b, row, 1, d.K, d.N);
                Assert.Equal(batchAb.AsSpan(i * d.N, d.N).ToArray(), row);
                Gemm.MatMulTransposeB(a.AsSpan(i * d.K, d.K), b, row, 1, d.K, d.N);
                Assert.Equal(batchAbt.AsSpan(i * d.N, d.N).ToArray(), row);
            }
        });

    [Fact]
    public void MatMul_SpanTooShort_NamesSizes()
    {
        var ex = Assert.Throws<ArgumentException>(() => Gemm.MatMul(new double[5], new double[6], new double[4], 2, 3, 2));
        Assert.Contains("A of 6", ex.Message);
    }

    [Fact]
    public void MatMul_NegativeDimension_Throws() =>
        Assert.Throws<ArgumentException>(() => Gemm.MatMul(new double[1], new double[1], new double[1], -1, 1, 1));

    private static void Check(Kernel kernel, Func<double[], double[], int, int, int, int, int, double> naive,
        Func<(int M, int K, int N, ulong Seed), int> aRows, Func<(int M, int K, int N, ulong Seed), int> aCols,
        Func<(int M, int K, int N, ulong Seed), int> bRows, Func<(int M, int K, int N, ulong Seed), int> bCols) =>
        SeededProperty.ForAll(Dims, d =>
        {
            var rng = new Xoshiro256(d.Seed);
            var a = new double[aRows(d) * aCols(d)];
            var b = new double[bRows(d) * bCols(d)];
            rng.FillUniform(a, -1, 1);
            rng.FillUniform(b, -1, 1);
            var start = new double[d.M * d.N];
            rng.FillUniform(start, -1, 1);
            var fmaResults = new List<double[]>();
            foreach (var isa in AllIsas)
            {
                foreach (bool accumulate in new[] { false, true })
                {
                    var c = (double[])start.Clone();
                    kernel(a, b, c, d.M, d.K, d.N, accumulate, isa);
                    if (Gemm.Supported(isa) != GemmIsa.Scalar && accumulate)
                    {
                        fmaResults.Add(c);
                    }

                    for (int i = 0; i < d.M; i++)
                    {
                        for (int j = 0; j < d.N; j++)
                        {
                            double expected = naive(a, b, d.M, d.K, d.N, i, j) + (accumulate ? start[i * d.N + j] : 0);
                            Assert.Equal(expected, c[i * d.N + j], 1e-12);
                        }
                    }
                }
            }

            // every FMA path (AVX2, AVX-512 where present) computes the same chain: identical bits
            foreach (var other in fmaResults)
            {
                Assert.Equal(fmaResults[0], other);
            }
        });
}
