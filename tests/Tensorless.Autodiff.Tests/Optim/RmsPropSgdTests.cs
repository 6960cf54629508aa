using Tensorless.Autodiff.Optim;

namespace Tensorless.Autodiff.Tests.Optim;

public class RmsPropSgdTests
{
    [Fact]
    public void RmsProp_ThreeSteps_MatchHandComputation()
    {
        // SB3's A2C settings: alpha 0.99, eps 1e-5 (outside the root), lr 0.01.
        // Step 1, element 0: s = 0.01 * 0.25 = 0.0025, p = 1 - 0.01 * 0.5/(0.05 + 1e-5) = 0.9000199960007998.
        // Element 1: s = 0.01, p = -2 + 0.01/(0.1 + 1e-5) = -1.9000099990001.
        // Step 2, element 0: s = 0.002475 + 0.0004 = 0.002875, p -= 0.01 * -0.2/(sqrt(0.002875) + 1e-5).
        // Step 3, element 1 has g = 0, so it does not move.
        var p = OptimizerTestData.Start();
        var opt = new RmsProp([p], learningRate: 0.01, alpha: 0.99, eps: 1e-5);
        OptimizerTestData.AssertTrajectory(p, opt, [
            [0.9000199960007998, -1.9000099990001],
            [0.9000199960007998 + 0.002 / (Math.Sqrt(0.002875) + 1e-5), -1.9949227956673548],
            [0.9188934208794394, -1.9949227956673548],
        ], tolerance: 1e-14);
    }

    [Fact]
    public void RmsProp_ExportImport_AndValidation()
    {
        var p = OptimizerTestData.Start();
        var opt = new RmsProp([p]);
        p.Grad.Fill(2);
        opt.Step();
        var state = opt.ExportState();
        Assert.Equal([0.04, 0.04], state["rmsprop.square_avg.p"].Select(v => Math.Round(v, 15)));
        var other = new RmsProp([OptimizerTestData.Start()]);
        other.ImportState(state);
        Assert.Equal(1, other.StepCount);
        Assert.Contains("alpha", Assert.Throws<ArgumentException>(() => new RmsProp([p], alpha: 1.0)).Message);
        Assert.Contains("eps", Assert.Throws<ArgumentException>(() => new RmsProp([p], eps: -1)).Message);
    }

    [Fact]
    public void Sgd_Momentum_ThreeSteps_MatchHandComputation()
    {
        // lr 0.1, momentum 0.9. buf1 = g1 = (0.5, -1), p1 = (0.95, -1.9).
        // buf2 = 0.9 buf1 + g2 = (0.25, 2.1), p2 = (0.925, -2.11). buf3 = (0.325, 1.89), p3 = (0.8925, -2.299).
        var p = OptimizerTestData.Start();
        OptimizerTestData.AssertTrajectory(p, new Sgd([p], learningRate: 0.1, momentum: 0.9), [
            [0.95, -1.9], [0.925, -2.11], [0.8925, -2.299],
        ], tolerance: 1e-15);
    }

    [Fact]
    public void Sgd_Nesterov_ThreeSteps_MatchHandComputation()
    {
        // Step t: buf as above, d = g + 0.9 buf. d1 = (0.95, -1.9) so p1 = (0.905, -1.81); d2 = (0.025, 4.89),
        // p2 = (0.9025, -2.299); d3 = (0.3925, 1.701), p3 = (0.86325, -2.4691).
        var p = OptimizerTestData.Start();
        OptimizerTestData.AssertTrajectory(p, new Sgd([p], learningRate: 0.1, momentum: 0.9, nesterov: true), [
            [0.905, -1.81], [0.9025, -2.299], [0.86325, -2.4691],
        ], tolerance: 1e-15);
    }

    [Fact]
    public void Sgd_PlainWithWeightDecay_AndDampening()
    {
        // No momentum, wd 0.5: d = g + 0.5 p = (1, -2), p1 = (0.9, -1.8); the gradient buffer itself is not modified.
        var p = OptimizerTestData.Start();
        var sgd = new Sgd([p], learningRate: 0.1, weightDecay: 0.5);
        OptimizerTestData.Grads[0].CopyTo(p.Grad);
        sgd.Step();
        Assert.Equal([0.9, -1.8], p.Data.ToArray().Select(v => Math.Round(v, 15)));
        Assert.Equal([0.5, -1.0], p.Grad.ToArray());

        // Dampening 0.5 with momentum 0.9: buf1 = g1 (no damping on the first step), buf2 = 0.9 buf1 + 0.5 g2.
        var q = OptimizerTestData.Start();
        var damped = new Sgd([q], learningRate: 0.1, momentum: 0.9, dampening: 0.5);
        OptimizerTestData.AssertTrajectory(q, damped, [
            [0.95, -1.9], [0.95 - 0.1 * (0.45 - 0.1), -1.9 - 0.1 * (-0.9 + 1.5)],
        ], tolerance: 1e-15);
    }

    [Fact]
    public void Sgd_ExportImport_AndValidation()
    {
        var p = OptimizerTestData.Start();
        var sgd = new Sgd([p], learningRate: 0.1, momentum: 0.9);
        p.Grad.Fill(1);
        sgd.Step();
        var resumed = new Sgd([OptimizerTestData.Start()], learningRate: 0.1, momentum: 0.9);
        resumed.ImportState(sgd.ExportState());
        // Resumed past step 1, so the next step must use buf = 0.9 buf + g, not buf = g.
        resumed.Parameters[0].Grad.Fill(1);
        resumed.Step();
        Assert.Equal(1.0 - 0.1 * 1.9, resumed.Parameters[0].Data[0], 1e-15);
        Assert.Contains("nesterov", Assert.Throws<ArgumentException>(() => new Sgd([p], nesterov: true)).Message);
        Assert.Contains("dampening", Assert.Throws<ArgumentException>(() => new Sgd([p], dampening: 2)).Message);
        Assert.Contains("momentum", Assert.Throws<ArgumentException>(() => new Sgd([p], momentum: -0.1)).Message);
    }
}
