using Tensorless.Autodiff.Distributions;
using static Tensorless.Autodiff.Tests.Distributions.DistributionTestKit;

namespace Tensorless.Autodiff.Tests.Distributions;

public class DistributionValidationTests
{
    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "column 1")]
    public void Categorical_BadLogit_Throws(double bad, string mentioned)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Categorical(Matrix(new double[,] { { 0, 1 }, { 2, bad } })));
        Assert.Contains("[2x2]", ex.Message);
        Assert.Contains(mentioned, ex.Message);
    }

    [Fact]
    public void Categorical_RowAllMinusInfinity_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Categorical(Row(double.NegativeInfinity, double.NegativeInfinity)));
        Assert.Contains("row 0", ex.Message);
    }

    [Theory]
    [InlineData(-1.0)]
    [InlineData(3.0)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    [InlineData(1e300)]
    public void Categorical_InvalidAction_Throws_OnBothPaths(double action)
    {
        var dist = new Categorical(Repeat(2, 0.1, 0.2, 0.3));
        var ex = Assert.Throws<ArgumentException>(() => dist.LogProb([0.0, action], new double[2]));
        Assert.Contains("row 1", ex.Message);
        Assert.Contains("[0, 3)", ex.Message);
        Assert.Throws<ArgumentException>(() => dist.LogProb(new Tape(), Column(0.0, action)));
    }

    [Fact]
    public void Categorical_WrongLengths_Throw()
    {
        var dist = new Categorical(Repeat(2, 0.1, 0.2, 0.3));
        var rng = new Xoshiro256(1);
        Assert.Contains("needs 2 values", Assert.Throws<ArgumentException>(() => dist.Sample(rng, new double[3])).Message);
        Assert.Throws<ArgumentException>(() => dist.Mode(new double[1]));
        Assert.Throws<ArgumentException>(() => dist.LogProb([0.0], new double[2]));
        Assert.Throws<ArgumentException>(() => dist.LogProb([0.0, 1.0], new double[3]));
        Assert.Throws<ArgumentException>(() => dist.Entropy(new double[1]));
        Assert.Throws<ArgumentException>(() => dist.Probabilities(new double[5]));
        Assert.Contains("[2x1]", Assert.Throws<ArgumentException>(() => dist.LogProb(new Tape(), Column(0.0, 1.0, 2.0))).Message);
    }

    [Fact]
    public void Unbound_Throws_InvalidOperation()
    {
        Assert.Throws<InvalidOperationException>(() => new Categorical().Mode(new double[1]));
        Assert.Throws<InvalidOperationException>(() => new DiagonalGaussian().BatchSize);
        Assert.Throws<InvalidOperationException>(() => new MultivariateNormal().Entropy(new Tape()));
    }

    [Fact]
    public void DiagonalGaussian_BadLogStdShape_Throws_NamingShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new DiagonalGaussian(new Tensor(4, 3), new Tensor(2, 3)));
        Assert.Contains("[1x3] or [4x3]", ex.Message);
        Assert.Contains("[2x3]", ex.Message);
        Assert.Throws<ArgumentException>(() => new DiagonalGaussian(new Tensor(4, 3), new Tensor(1, 2)));
    }

    [Fact]
    public void DiagonalGaussian_NaNs_Throw()
    {
        Assert.Contains("mean", Assert.Throws<ArgumentException>(() => new DiagonalGaussian(Row(0, double.NaN), Row(0, 0))).Message);
        Assert.Contains("log-std", Assert.Throws<ArgumentException>(() => new DiagonalGaussian(Row(0, 0), Row(double.NaN, 0))).Message);
        var dist = new DiagonalGaussian(Row(0, 0), Row(0, 0));
        Assert.Contains("NaN", Assert.Throws<ArgumentException>(() => dist.LogProb([0.0, double.NaN], new double[1])).Message);
    }

    [Fact]
    public void DiagonalGaussian_WrongLengths_Throw()
    {
        var dist = new DiagonalGaussian(new Tensor(2, 3), Row(0, 0, 0));
        Assert.Contains("2 rows x 3", Assert.Throws<ArgumentException>(() => dist.Sample(new Xoshiro256(1), new double[5])).Message);
        Assert.Throws<ArgumentException>(() => dist.Mode(new double[7]));
        Assert.Throws<ArgumentException>(() => dist.LogProb(new double[6], new double[3]));
        Assert.Throws<ArgumentException>(() => dist.Entropy(new double[3]));
        Assert.Throws<ArgumentException>(() => dist.LogProb(new Tape(), new Tensor(2, 2)));
    }

    [Fact]
    public void MultivariateNormal_BadFactor_Throws()
    {
        Assert.Contains("[3x3]", Assert.Throws<ArgumentException>(() => new MultivariateNormal(new Tensor(2, 3), new Tensor(3, 2))).Message);
        var zeroDiag = Matrix(new double[,] { { 1, 0 }, { 0.5, 0 } });
        Assert.Contains("L[1,1] = 0", Assert.Throws<ArgumentException>(() => new MultivariateNormal(new Tensor(1, 2), zeroDiag)).Message);
        var negative = Matrix(new double[,] { { -1, 0 }, { 0.5, 1 } });
        Assert.Throws<ArgumentException>(() => new MultivariateNormal(new Tensor(1, 2), negative));
        var infinite = Matrix(new double[,] { { double.PositiveInfinity, 0 }, { 0.5, 1 } });
        Assert.Throws<ArgumentException>(() => new MultivariateNormal(new Tensor(1, 2), infinite));
        var nanBelow = Matrix(new double[,] { { 1, 0 }, { double.NaN, 1 } });
        Assert.Contains("L[1,0]", Assert.Throws<ArgumentException>(() => new MultivariateNormal(new Tensor(1, 2), nanBelow)).Message);
    }

    [Fact]
    public void MultivariateNormal_NaNsAndLengths_Throw()
    {
        var identity = Matrix(new double[,] { { 1, 0 }, { 0, 1 } });
        Assert.Throws<ArgumentException>(() => new MultivariateNormal(Row(double.NaN, 0), identity));
        var dist = new MultivariateNormal(new Tensor(2, 2), identity);
        Assert.Throws<ArgumentException>(() => dist.LogProb([0.0, 0.0, double.NaN, 0.0], new double[2]));
        Assert.Throws<ArgumentException>(() => dist.Sample(new Xoshiro256(1), new double[3]));
        Assert.Throws<ArgumentException>(() => dist.LogProb(new double[4], new double[1]));
        Assert.Throws<ArgumentException>(() => dist.Entropy(new double[1]));
        Assert.Throws<ArgumentException>(() => dist.LogProb(new Tape(), new Tensor(2, 3)));
    }

    [Fact]
    public void CholeskyFactor_BadShapes_Throw()
    {
        Assert.Contains("[2x3]", Assert.Throws<ArgumentException>(() => CholeskyFactor.FromUnconstrained(new Tape(), new Tensor(2, 3))).Message);
        Assert.Throws<ArgumentException>(() => CholeskyFactor.FromUnconstrained(new double[4], new double[9], 3));
        Assert.Throws<ArgumentException>(() => CholeskyFactor.FromUnconstrained(new double[0], new double[0], 0));
    }
}
