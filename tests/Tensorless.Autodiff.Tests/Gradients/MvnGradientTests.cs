using FsCheck.Fluent;
using Tensorless.Autodiff;
using static Tensorless.Autodiff.Tests.Gradients.GradientCheck;

namespace Tensorless.Autodiff.Tests.Gradients;

public class MvnGradientTests
{
    private static readonly FsCheck.Gen<(int Rows, int Dim, ulong Seed)> Dims =
        from r in Gen.Choose(1, 9)
        from d in Gen.Choose(1, 6)
        from s in Gen.Choose(0, int.MaxValue)
        select (r, d, (ulong)s);

    [Fact]
    public void MvnLogProb_SharedAndPerRowMean_MatchesFiniteDifferences() =>
        ForAll(Dims, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var x = Leaf(rng, s.Rows, s.Dim);
            var mean = Leaf(rng, s.Rows, s.Dim);
            var sharedMean = Leaf(rng, 1, s.Dim);
            var factor = RandomFactor(rng, s.Dim);
            AssertGradients(t => WeightedSum(t, t.MvnLogProb(x, mean, factor), s.Seed), x, mean, factor);
            AssertGradients(t => WeightedSum(t, t.MvnLogProb(x, sharedMean, factor), s.Seed), x, sharedMean, factor);
        });

    [Fact]
    public void MvnEntropy_RandomFactor_MatchesFiniteDifferences() =>
        ForAll(Dims, s =>
        {
            var factor = RandomFactor(new Xoshiro256(s.Seed), s.Dim);
            AssertGradients(t => t.MvnEntropy(factor), factor);
        });

    [Fact]
    public void MvnLogProb_DiagonalFactor_EqualsGaussianLogProb() =>
        ForAll(Dims, s =>
        {
            var rng = new Xoshiro256(s.Seed);
            var x = Constant(rng, s.Rows, s.Dim);
            var mean = Constant(rng, s.Rows, s.Dim);
            var logStd = Constant(rng, 1, s.Dim, -1, 1);
            var factor = new Tensor(s.Dim, s.Dim);
            for (int j = 0; j < s.Dim; j++)
            {
                factor[j, j] = Math.Exp(logStd.Data[j]);
            }

            var tape = new Tape(recording: false);
            var mvn = tape.MvnLogProb(x, mean, factor).ToArray();
            var diag = tape.GaussianLogProb(mean, logStd, x).ToArray();
            for (int i = 0; i < mvn.Length; i++)
            {
                // the two sum the same terms in another order: equal to rounding, relative to the size of the log-density
                Assert.True(Math.Abs(diag[i] - mvn[i]) <= 1e-12 * Math.Max(1.0, Math.Abs(diag[i])), $"row {i}: {diag[i]:R} vs {mvn[i]:R}");
            }

            Assert.Equal(tape.Sum(tape.GaussianEntropy(logStd)).Data[0], tape.MvnEntropy(factor).Data[0], 1e-12);
        });

    [Fact]
    public void MvnLogProb_NonPositiveDiagonal_NamesEntry()
    {
        var factor = Tensor.FromValues(2, 2, [1, 0, 0.5, 0]);
        var ex = Assert.Throws<ArgumentException>(() => new Tape().MvnLogProb(new Tensor(1, 2), new Tensor(1, 2), factor));
        Assert.Contains("L[1,1] = 0", ex.Message);
    }

    /// <summary>A lower-triangular factor with a diagonal in [0.5, 2] and off-diagonal entries in [-1, 1].</summary>
    private static Tensor RandomFactor(Xoshiro256 rng, int d)
    {
        var l = new Tensor(d, d, requiresGrad: true);
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < i; j++)
            {
                l[i, j] = rng.NextDouble(-1, 1);
            }

            l[i, i] = rng.NextDouble(0.5, 2);
        }

        return l;
    }
}
