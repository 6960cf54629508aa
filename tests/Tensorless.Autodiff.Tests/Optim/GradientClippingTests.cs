using Tensorless.Autodiff.Optim;

namespace Tensorless.Autodiff.Tests.Optim;

public class GradientClippingTests
{
    private static Parameter[] Grads345And12()
    {
        var a = new Parameter("a", 1, 2);
        var b = new Parameter("b", 1, 1);
        a.Grad[0] = 3;
        a.Grad[1] = 4;
        b.Grad[0] = -12;
        return [a, b];
    }

    [Fact]
    public void ClipByGlobalNorm_AboveLimit_ReturnsPreClipNormAndScales()
    {
        // Global norm sqrt(9 + 16 + 144) = 13; coef = 6.5 / (13 + 1e-6).
        var ps = Grads345And12();
        double total = GradientClipping.ClipByGlobalNorm(ps, 6.5);
        Assert.Equal(13.0, total, 1e-12);
        double coef = 6.5 / (13.0 + 1e-6);
        Assert.Equal(3 * coef, ps[0].Grad[0], 1e-14);
        Assert.Equal(4 * coef, ps[0].Grad[1], 1e-14);
        Assert.Equal(-12 * coef, ps[1].Grad[0], 1e-14);
        Assert.True(GradientClipping.GlobalNorm(ps) < 6.5, "the 1e-6 keeps the clipped norm just under the limit");
        Assert.Equal(6.5, GradientClipping.GlobalNorm(ps), 1e-6);
    }

    [Fact]
    public void ClipByGlobalNorm_UnderLimit_LeavesGradientsUntouched()
    {
        var ps = Grads345And12();
        Assert.Equal(13.0, GradientClipping.ClipByGlobalNorm(ps, 13.5), 1e-12);
        Assert.Equal([3.0, 4.0], ps[0].Grad.ToArray());
        Assert.Equal([-12.0], ps[1].Grad.ToArray());

        // At exactly the norm, coef = 13 / (13 + 1e-6) < 1, so PyTorch (and we) scale by a hair.
        GradientClipping.ClipByGlobalNorm(ps, 13.0);
        Assert.True(ps[0].Grad[0] < 3.0);
    }

    [Fact]
    public void ClipByGlobalNorm_ZeroGradients_ReturnsZero()
    {
        var p = new Parameter("p", 3, 3);
        Assert.Equal(0.0, GradientClipping.ClipByGlobalNorm([p], 0.5));
        Assert.All(p.Grad.ToArray(), g => Assert.Equal(0.0, g));
    }

    [Fact]
    public void ClipByGlobalNorm_LargeParameter_AgreesWithNaiveNorm()
    {
        var p = new Parameter("p", 37, 29);
        new Xoshiro256(4).FillGaussian(p.Grad);
        double naive = Math.Sqrt(p.Grad.ToArray().Sum(g => g * g));
        Assert.Equal(naive, GradientClipping.ClipByGlobalNorm([p], 1.0), 1e-10);
        Assert.Equal(1.0, GradientClipping.GlobalNorm([p]), 1e-6);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    public void ClipByGlobalNorm_InvalidMaxNorm_Throws(double maxNorm)
    {
        var ex = Assert.Throws<ArgumentException>(() => GradientClipping.ClipByGlobalNorm(Grads345And12(), maxNorm));
        Assert.Equal("maxNorm", ex.ParamName);
    }
}
