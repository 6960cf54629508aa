using Tensorless.Rl.Advantages;

namespace Tensorless.Rl.Tests.Advantages;

public sealed class AdvantageValidationTests
{
    private const int Steps = 3, NumEnvs = 2, Count = Steps * NumEnvs;

    public static TheoryData<string> SpanNames => ["values", "terminated", "truncated", "truncationValues", "advantages", "returns"];

    [Theory]
    [MemberData(nameof(SpanNames))]
    public void Gae_SpanLengthMismatch_ThrowsNamingParameterAndLengths(string name)
    {
        var e = Assert.Throws<ArgumentException>(() => Run(name, AdvantageEstimator.Gae));
        Assert.Equal(name, e.ParamName);
        Assert.Contains($"has length {Count + 1}", e.Message);
        Assert.Contains($"expected {Count}", e.Message);
    }

    [Theory]
    [InlineData(AdvantageEstimator.MonteCarlo)]
    [InlineData(AdvantageEstimator.TdZero)]
    [InlineData(AdvantageEstimator.NStep)]
    public void OtherEstimators_SpanLengthMismatch_Throw(AdvantageEstimator method)
    {
        var e = Assert.Throws<ArgumentException>(() => Run("returns", method));
        Assert.Equal("returns", e.ParamName);
    }

    [Fact]
    public void Gae_RewardsNotMultipleOfEnvCount_ThrowsNamingRewards()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            AdvantageEstimators.Gae(new double[5], new double[5], new bool[5], new bool[5], new double[5], new double[2], 0.9, 0.9, new double[5], new double[5]));
        Assert.Equal("rewards", e.ParamName);
        Assert.Contains("5", e.Message);
        Assert.Contains("numEnvs = lastValues.Length = 2", e.Message);
    }

    [Fact]
    public void Gae_EmptyLastValuesWithRewards_ThrowsNamingLastValues()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            AdvantageEstimators.Gae(new double[2], new double[2], new bool[2], new bool[2], new double[2], [], 0.9, 0.9, new double[2], new double[2]));
        Assert.Equal("lastValues", e.ParamName);
    }

    [Fact]
    public void Gae_EmptyRollout_AcceptedButStillValidated()
    {
        // zero steps of two envs is a valid (empty) rollout, for the fast kernel and the reference loop alike; the
        // hyperparameters are still checked, and destinations that do not match the (empty) rollout are refused
        AdvantageEstimators.Gae([], [], [], [], [], [1.0, 2.0], 0.9, 0.9, [], []);
        AdvantageEstimators.GaeReference([], [], [], [], [], [1.0, 2.0], 0.9, 0.9, [], []);
        Assert.Equal("gamma", Assert.Throws<ArgumentOutOfRangeException>(() => AdvantageEstimators.Gae([], [], [], [], [], [1.0, 2.0], 1.5, 0.9, [], [])).ParamName);
        Assert.Equal("lambda", Assert.Throws<ArgumentOutOfRangeException>(() => AdvantageEstimators.Gae([], [], [], [], [], [1.0, 2.0], 0.9, -1, [], [])).ParamName);
        Assert.ThrowsAny<ArgumentException>(() => AdvantageEstimators.Gae([], [], [], [], [], [1.0, 2.0], 0.9, 0.9, new double[2], []));
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Estimators_GammaOutsideUnitInterval_ThrowNamingGammaAndValue(double gamma)
    {
        foreach (AdvantageEstimator method in Enum.GetValues<AdvantageEstimator>())
        {
            var e = Assert.Throws<ArgumentOutOfRangeException>(() => Run(null, method, gamma: gamma));
            Assert.Equal("gamma", e.ParamName);
            Assert.Contains(gamma.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
        }
    }

    [Theory]
    [InlineData(-0.5)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void Gae_LambdaOutsideUnitInterval_ThrowsNamingLambdaAndValue(double lambda)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Run(null, AdvantageEstimator.Gae, lambda: lambda));
        Assert.Equal("lambda", e.ParamName);
        Assert.Contains(lambda.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void NStep_NLessThanOne_ThrowsNamingN(int n)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Run(null, AdvantageEstimator.NStep, n: n));
        Assert.Equal("n", e.ParamName);
        Assert.Contains($"got {n}", e.Message);
    }

    [Fact]
    public void Compute_UndefinedMethod_ThrowsNamingMethod()
    {
        var e = Assert.Throws<ArgumentException>(() => Run(null, (AdvantageEstimator)42));
        Assert.Equal("method", e.ParamName);
    }

    private static void Run(string? wrong, AdvantageEstimator method, double gamma = 0.9, double lambda = 0.9, int n = 2)
    {
        int Len(string name) => name == wrong ? Count + 1 : Count;
        AdvantageEstimators.Compute(
            method,
            new double[Count],
            new double[Len("values")],
            new bool[Len("terminated")],
            new bool[Len("truncated")],
            new double[Len("truncationValues")],
            new double[NumEnvs],
            gamma,
            lambda,
            n,
            new double[Len("advantages")],
            new double[Len("returns")]);
    }
}
