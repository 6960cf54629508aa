using Tensorless.Autodiff.Nn;
using Tensorless.Autodiff.Optim;

namespace Tensorless.Autodiff.Tests.Optim;

public class AllocationTests
{
    [Fact]
    public void OptimizerStepsAndClipping_AfterWarmUp_AllocateNothing()
    {
        var mlp = new Mlp("actor", [4, 64, 64, 2], Activation.Tanh, new Xoshiro256(1), MlpInit.Orthogonal(0.01));
        var ps = mlp.Parameters;
        foreach (var p in ps)
        {
            p.Grad.Fill(0.5);
        }

        IOptimizer[] optimizers =
        [
            new Adam(ps, 3e-4, weightDecay: 0.01),
            new RmsProp(ps, 7e-4, eps: 1e-5),
            new Sgd(ps, 1e-3, momentum: 0.9, nesterov: true, weightDecay: 0.1),
        ];
        foreach (var opt in optimizers)
        {
            long allocated = Tensorless.Tests.AllocationProbe.SteadyStateBytes(() =>
            {
                opt.Step();
                GradientClipping.ClipByGlobalNorm(ps, 0.5);
                opt.ZeroGrad();
            });
            Assert.True(allocated == 0, $"{opt.GetType().Name}: {allocated} bytes allocated in a steady-state window of steps");
        }
    }
}
