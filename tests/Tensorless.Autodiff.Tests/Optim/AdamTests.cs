using Tensorless.Autodiff.Optim;

namespace Tensorless.Autodiff.Tests.Optim;

public class AdamTests
{
    [Fact]
    public void Step_ThreeSteps_MatchHandComputation()
    {
        // lr 0.1, betas (0.9, 0.999), eps 1e-8. Step 1, element 0 (g = 0.5): m = 0.05, v = 0.00025, bc1 = 0.1, bc2 = 0.001,
        // denom = sqrt(0.00025)/sqrt(0.001) + 1e-8 = 0.50000001, p = 1 - (0.1/0.1) * 0.05/0.50000001 = 0.900000002.
        // Element 1 (g = -1): p = -2 + 0.1/(1 + 1e-8) = -1.900000001.
        // Step 2, element 0 (g = -0.2): m = 0.045 - 0.02 = 0.025, v = 0.00024975 + 0.00004 = 0.00028975, bc1 = 0.19,
        // bc2 = 0.001999, p = 0.900000002 - (0.1/0.19) * 0.025 / (sqrt(0.00028975/0.001999) + 1e-8) = 0.86543941811651...
        // The remaining values follow the same formula, evaluated in double precision.
        var p = OptimizerTestData.Start();
        var adam = new Adam([p], learningRate: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8);
        OptimizerTestData.AssertTrajectory(p, adam, [
            [0.900000002, -1.900000001],
            [0.8654394181165108, -1.9494189841087441],
            [0.8275002408356956, -1.9876200012449847],
        ], tolerance: 1e-14);
        Assert.Equal(3, adam.StepCount);
    }

    [Fact]
    public void Step_WeightDecay_AddsL2TermToGradient()
    {
        // Step 1, element 0: g = 0.5 + 0.01 * 1 = 0.51, m = 0.051, bc1 = 0.1, denom = 0.51 + 1e-8,
        // p = 1 - (0.1/0.1) * 0.051/(0.51 + 1e-8) = 1 - 0.1/(1 + 1.96e-8) = 0.9000000019607843.
        var p = OptimizerTestData.Start();
        var adam = new Adam([p], learningRate: 0.1, weightDecay: 0.01);
        OptimizerTestData.AssertTrajectory(p, adam, [
            [0.9000000019607843, -1.9000000009803921],
            [0.8633641380701821, -1.9487271496806455],
            [0.8230847217667944, -1.98599733163793],
        ], tolerance: 1e-14);
    }

    [Fact]
    public void Step_LowBeta1_UsesOtherLerpBranch_SameMath()
    {
        // beta1 = 0.3 puts lerp's weight (0.7) above 0.5. Step 1: m = 0.7 g, bc1 = 0.7, so p moves by lr * g/(|g|+eps').
        // Step 2, element 0: m = 0.3*0.35 + 0.7*(-0.2) = -0.035, bc1 = 0.91, v = 0.00028975, bc2 = 0.001999.
        var p = OptimizerTestData.Start();
        var adam = new Adam([p], learningRate: 0.1, beta1: 0.3);
        OptimizerTestData.Grads[0].CopyTo(p.Grad);
        adam.Step();
        OptimizerTestData.Grads[1].CopyTo(p.Grad);
        adam.Step();
        double p1 = 1 - 0.1 * 0.5 / (0.5 + 1e-8);
        double expected = p1 - 0.1 / 0.91 * -0.035 / (Math.Sqrt(0.00028975) / Math.Sqrt(0.001999) + 1e-8);
        Assert.Equal(expected, p.Data[0], 1e-14);
    }

    [Fact]
    public void Step_VectorBodyAndScalarTail_GiveIdenticalBits()
    {
        // Eleven elements, all with the same history: lanes 0-7 take the vector path, 8-10 the scalar tail.
        var p = new Parameter("p", 1, 11);
        p.Data.Fill(0.3);
        var adam = new Adam([p], learningRate: 0.01, weightDecay: 0.1);
        for (int t = 0; t < 5; t++)
        {
            p.Grad.Fill(0.7 - 0.3 * t);
            adam.Step();
        }

        Assert.All(p.Data.ToArray(), v => Assert.Equal(BitConverter.DoubleToInt64Bits(p.Data[0]), BitConverter.DoubleToInt64Bits(v)));
    }

    [Fact]
    public void ExportImport_ResumesExactly()
    {
        var a = OptimizerTestData.Start();
        var adamA = new Adam([a], learningRate: 0.1);
        OptimizerTestData.Grads[0].CopyTo(a.Grad);
        adamA.Step();
        var state = adamA.ExportState();
        Assert.Equal(["adam.exp_avg.p", "adam.exp_avg_sq.p", "adam.step"], state.Keys.Order());
        Assert.Equal([1.0], state["adam.step"]);

        var b = OptimizerTestData.Start();
        a.Data.CopyTo(b.Data);
        var adamB = new Adam([b], learningRate: 0.1);
        adamB.ImportState(state);
        Assert.Equal(1, adamB.StepCount);
        OptimizerTestData.Grads[1].CopyTo(a.Grad);
        OptimizerTestData.Grads[1].CopyTo(b.Grad);
        adamA.Step();
        adamB.Step();
        Assert.Equal(a.Data.ToArray(), b.Data.ToArray());
    }

    [Fact]
    public void ImportState_MissingOrMisshapenKey_ThrowsAndChangesNothing()
    {
        var p = OptimizerTestData.Start();
        var adam = new Adam([p]);
        var ex = Assert.Throws<ArgumentException>(() => adam.ImportState(new Dictionary<string, double[]> { ["adam.step"] = [3] }));
        Assert.Contains("adam.exp_avg.p", ex.Message);
        var bad = new Dictionary<string, double[]> { ["adam.step"] = [3], ["adam.exp_avg.p"] = [1, 2], ["adam.exp_avg_sq.p"] = [1] };
        Assert.Throws<ArgumentException>(() => adam.ImportState(bad));
        Assert.Throws<ArgumentException>(() => adam.ImportState(new Dictionary<string, double[]> { ["adam.step"] = [1.5] }));
        Assert.Equal(0, adam.StepCount);
        Assert.Equal([0.0, 0.0], adam.ExportState()["adam.exp_avg.p"]);
    }

    [Theory]
    [InlineData(-1e-3, 0.9, 0.999, 1e-8, 0.0, "learningRate")]
    [InlineData(1e-3, 1.0, 0.999, 1e-8, 0.0, "beta1")]
    [InlineData(1e-3, -0.1, 0.999, 1e-8, 0.0, "beta1")]
    [InlineData(1e-3, 0.9, 1.0, 1e-8, 0.0, "beta2")]
    [InlineData(1e-3, 0.9, 0.999, 0.0, 0.0, "eps")]
    [InlineData(1e-3, 0.9, 0.999, 1e-8, -1.0, "weightDecay")]
    [InlineData(double.NaN, 0.9, 0.999, 1e-8, 0.0, "learningRate")]
    public void Constructor_InvalidOption_ThrowsNamingIt(double lr, double b1, double b2, double eps, double wd, string option)
    {
        var ex = Assert.Throws<ArgumentException>(() => new Adam([OptimizerTestData.Start()], lr, b1, b2, eps, wd));
        Assert.Contains(option, ex.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Constructor_RepeatedParameter_Throws_AndLearningRateSetterValidates()
    {
        var p = OptimizerTestData.Start();
        Assert.Throws<ArgumentException>(() => new Adam([p, p]));
        var adam = new Adam([p]);
        adam.LearningRate = 0.5;
        Assert.Equal(0.5, adam.LearningRate);
        Assert.Throws<ArgumentException>(() => adam.LearningRate = -1);
    }

    [Fact]
    public void ZeroGrad_ClearsGradients()
    {
        var p = OptimizerTestData.Start();
        p.Grad.Fill(3);
        new Adam([p]).ZeroGrad();
        Assert.Equal([0.0, 0.0], p.Grad.ToArray());
    }
}
