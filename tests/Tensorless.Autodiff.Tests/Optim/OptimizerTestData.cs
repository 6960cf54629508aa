namespace Tensorless.Autodiff.Tests.Optim;

/// <summary>A two-element parameter p0 = (1, -2) and the gradients fed to it on three consecutive steps.</summary>
internal static class OptimizerTestData
{
    public static readonly double[][] Grads = [[0.5, -1.0], [-0.2, 3.0], [0.1, 0.0]];

    public static Parameter Start()
    {
        var p = new Parameter("p", 1, 2);
        p.Data[0] = 1.0;
        p.Data[1] = -2.0;
        return p;
    }

    /// <summary>Runs the steps and asserts the parameter after each against <paramref name="expected"/>.</summary>
    public static void AssertTrajectory(Parameter p, Tensorless.Autodiff.Optim.IOptimizer optimizer, double[][] expected, double tolerance = 1e-15)
    {
        for (int t = 0; t < expected.Length; t++)
        {
            Grads[t].CopyTo(p.Grad);
            optimizer.Step();
            Assert.Equal(expected[t][0], p.Data[0], tolerance);
            Assert.Equal(expected[t][1], p.Data[1], tolerance);
        }
    }
}
