using Tensorless.Autodiff;
using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff.Tests.Kernels;

/// <summary>
/// The optimizer kernels and their reference loops against plain loops written here from PyTorch's update rules: same
/// bits at every length 0..70, over several steps so the state carries, for a grid of options.
/// </summary>
public class OptimizerKernelsTests
{
    private const int MaxLength = 70;
    private const int Steps = 3;

    // special values land in every lane position as the length grows, so the vector body meets them too
    private static readonly double[] Specials = [0.0, -0.0, 1.0, -1.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity, double.Epsilon, 1e300, -1e-300];

    // (lr, beta1, beta2, eps, weightDecay): PyTorch's defaults, CleanRL's eps with decay, a beta1 below 0.5 (lerp's other branch), zero decays
    private static readonly (double Lr, double Beta1, double Beta2, double Eps, double Wd)[] AdamOptions =
        [(1e-3, 0.9, 0.999, 1e-8, 0.0), (3e-4, 0.9, 0.999, 1e-5, 0.01), (0.1, 0.3, 0.5, 1e-3, 0.1), (0.5, 0.0, 0.0, 1e-8, 0.0)];

    // (lr, alpha, eps, weightDecay): PyTorch's defaults, SB3's A2C with decay, no averaging
    private static readonly (double Lr, double Alpha, double Eps, double Wd)[] RmsPropOptions =
        [(1e-2, 0.99, 1e-8, 0.0), (7e-4, 0.99, 1e-5, 0.01), (0.1, 0.0, 1e-3, 0.5)];

    // (lr, momentum, dampening, nesterov, weightDecay): plain, plain with decay, heavy ball, damped, Nesterov
    private static readonly (double Lr, double Momentum, double Dampening, bool Nesterov, double Wd)[] SgdOptions =
        [(1e-3, 0.0, 0.0, false, 0.0), (0.1, 0.0, 0.0, false, 0.1), (0.1, 0.9, 0.0, false, 0.0), (0.01, 0.9, 0.5, false, 0.01), (0.1, 0.9, 0.0, true, 0.1)];

    [Fact]
    public void AdamStep_EveryLength_KernelAndReferenceMatchPyTorchLoopBits()
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            foreach (var o in AdamOptions)
            {
                var rng = new Xoshiro256((ulong)n + 1);
                double[] param = Data(rng, n, -1), m = Data(rng, n, -1), v = Positive(rng, n);
                double[] pK = Clone(param), mK = Clone(m), vK = Clone(v);
                double[] pR = Clone(param), mR = Clone(m), vR = Clone(v);
                for (int t = 1; t <= Steps; t++)
                {
                    double[] grad = Data(rng, n, t);
                    double bc1 = 1.0 - Math.Pow(o.Beta1, t), bc2 = 1.0 - Math.Pow(o.Beta2, t);
                    PyTorchAdam(param, grad, m, v, o.Lr, o.Beta1, o.Beta2, o.Eps, bc1, bc2, o.Wd);
                    OptimizerKernels.AdamStep(pK, grad, mK, vK, o.Lr, o.Beta1, o.Beta2, o.Eps, bc1, bc2, o.Wd);
                    OptimizerKernels.AdamStepReference(pR, grad, mR, vR, o.Lr, o.Beta1, o.Beta2, o.Eps, bc1, bc2, o.Wd);
                    foreach (var (expected, kernel, reference) in new[] { (param, pK, pR), (m, mK, mR), (v, vK, vR) })
                    {
                        GradientKernelsTests.AssertSameBits(expected, kernel, n);
                        GradientKernelsTests.AssertSameBits(expected, reference, n);
                    }
                }
            }
        }
    }

    [Fact]
    public void RmsPropStep_EveryLength_KernelAndReferenceMatchPyTorchLoopBits()
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            foreach (var o in RmsPropOptions)
            {
                var rng = new Xoshiro256((ulong)n + 201);
                double[] param = Data(rng, n, -1), s = Positive(rng, n);
                double[] pK = Clone(param), sK = Clone(s), pR = Clone(param), sR = Clone(s);
                for (int t = 1; t <= Steps; t++)
                {
                    double[] grad = Data(rng, n, t);
                    PyTorchRmsProp(param, grad, s, o.Lr, o.Alpha, o.Eps, o.Wd);
                    OptimizerKernels.RmsPropStep(pK, grad, sK, o.Lr, o.Alpha, o.Eps, o.Wd);
                    OptimizerKernels.RmsPropStepReference(pR, grad, sR, o.Lr, o.Alpha, o.Eps, o.Wd);
                    foreach (var (expected, kernel, reference) in new[] { (param, pK, pR), (s, sK, sR) })
                    {
                        GradientKernelsTests.AssertSameBits(expected, kernel, n);
                        GradientKernelsTests.AssertSameBits(expected, reference, n);
                    }
                }
            }
        }
    }

    [Fact]
    public void SgdStep_EveryLength_KernelAndReferenceMatchPyTorchLoopBits()
    {
        for (int n = 0; n <= MaxLength; n++)
        {
            foreach (var o in SgdOptions)
            {
                var rng = new Xoshiro256((ulong)n + 401);
                double[] param = Data(rng, n, -1), buf = Data(rng, n, -1); // the first step must ignore what the buffer holds
                double[] pK = Clone(param), bK = Clone(buf), pR = Clone(param), bR = Clone(buf);
                double[] scratch = new double[n];
                for (int t = 1; t <= Steps; t++)
                {
                    double[] grad = Data(rng, n, t);
                    PyTorchSgd(param, grad, buf, o.Lr, o.Momentum, o.Dampening, o.Nesterov, o.Wd, t == 1);
                    OptimizerKernels.SgdStep(pK, grad, bK, scratch, o.Lr, o.Momentum, o.Dampening, o.Nesterov, o.Wd, t == 1);
                    OptimizerKernels.SgdStepReference(pR, grad, bR, scratch, o.Lr, o.Momentum, o.Dampening, o.Nesterov, o.Wd, t == 1);
                    foreach (var (expected, kernel, reference) in new[] { (param, pK, pR), (buf, bK, bR) })
                    {
                        GradientKernelsTests.AssertSameBits(expected, kernel, n);
                        GradientKernelsTests.AssertSameBits(expected, reference, n);
                    }
                }
            }
        }
    }

    [Fact]
    public void SgdStep_NoMomentum_AcceptsAnEmptyBuffer()
    {
        double[] param = [1.0, 2.0, 3.0, 4.0, 5.0], grad = [0.5, -0.5, 1.0, -1.0, 2.0], scratch = new double[5];
        OptimizerKernels.SgdStep(param, grad, Span<double>.Empty, scratch, 0.1, 0.0, 0.0, false, 0.0, true);
        Assert.Equal([1.0 + 0.5 * -0.1, 2.0 + -0.5 * -0.1, 3.0 + 1.0 * -0.1, 4.0 + -1.0 * -0.1, 5.0 + 2.0 * -0.1], param);
    }

    [Fact]
    public void SquaredNorm_EveryLength_IsTheSumOfSquaresToRounding()
    {
        Assert.Equal(0.0, OptimizerKernels.SquaredNorm([]));
        for (int n = 1; n <= MaxLength; n++)
        {
            var rng = new Xoshiro256((ulong)n + 601);
            double[] x = new double[n];
            rng.FillUniform(x, -2, 2);
            double sum = 0;
            foreach (double xi in x)
            {
                sum += xi * xi;
            }

            // TensorPrimitives sums by lanes, not left to right, and the root is squared back: equal to a few ulps only.
            double actual = OptimizerKernels.SquaredNorm(x);
            Assert.True(Math.Abs(actual - sum) <= 1e-14 * sum, $"length {n}: expected {sum:R}, got {actual:R}");
        }
    }

    [Fact]
    public void SquaredNorm_IsTheNormSquared_NotARawSumOfSquares()
    {
        // clip_grad_norm_ squares each parameter's norm; the kernel must round through the root as it does.
        double[] x = [0.1, 0.2, 0.3];
        double norm = Math.Sqrt(0.1 * 0.1 + 0.2 * 0.2 + 0.3 * 0.3);
        Assert.Equal(norm * norm, OptimizerKernels.SquaredNorm(x));
    }

    [Fact]
    public void Steps_SpansOfDifferentLengths_Throw()
    {
        double[] four = new double[4], three = new double[3];
        Assert.Throws<ArgumentException>(() => OptimizerKernels.AdamStep(four, three, four, four, 1e-3, 0.9, 0.999, 1e-8, 0.1, 0.001, 0.0));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.AdamStepReference(four, four, four, three, 1e-3, 0.9, 0.999, 1e-8, 0.1, 0.001, 0.0));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.RmsPropStep(four, four, three, 1e-2, 0.99, 1e-8, 0.0));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.RmsPropStepReference(three, four, four, 1e-2, 0.99, 1e-8, 0.0));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.SgdStep(four, four, three, four, 0.1, 0.9, 0.0, false, 0.0, false));
        Assert.Throws<ArgumentException>(() => OptimizerKernels.SgdStepReference(four, four, four, three, 0.1, 0.0, 0.0, false, 0.0, false));
    }

    // torch.optim.Adam, _single_tensor_adam, one element at a time:
    //   grad = grad.add(param, alpha=weight_decay); exp_avg.lerp_(grad, 1 - beta1)
    //   exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
    //   denom = (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps); param.addcdiv_(exp_avg, denom, value=-step_size)
    // lerp(a, b, w) is a + w (b - a) for w < 0.5 and b - (b - a)(1 - w) otherwise; 1 - w is taken as beta1 itself.
    private static void PyTorchAdam(double[] param, double[] grad, double[] m, double[] v, double lr, double beta1, double beta2, double eps, double bc1, double bc2, double wd)
    {
        double stepSize = lr / bc1, bc2Sqrt = Math.Sqrt(bc2), weight = 1.0 - beta1;
        for (int i = 0; i < param.Length; i++)
        {
            double g = wd != 0 ? grad[i] + param[i] * wd : grad[i];
            m[i] = weight < 0.5 ? m[i] + weight * (g - m[i]) : g - (g - m[i]) * beta1;
            v[i] = v[i] * beta2 + g * g * (1.0 - beta2);
            double denom = Math.Sqrt(v[i]) / bc2Sqrt + eps;
            param[i] = param[i] + -stepSize * (m[i] / denom);
        }
    }

    // torch.optim.RMSprop, non-centered, no momentum:
    //   grad = grad.add(param, alpha=weight_decay); square_avg.mul_(alpha).addcmul_(grad, grad, value=1 - alpha)
    //   avg = square_avg.sqrt().add_(eps); param.addcdiv_(grad, avg, value=-lr)
    private static void PyTorchRmsProp(double[] param, double[] grad, double[] s, double lr, double alpha, double eps, double wd)
    {
        for (int i = 0; i < param.Length; i++)
        {
            double g = wd != 0 ? grad[i] + param[i] * wd : grad[i];
            s[i] = s[i] * alpha + g * g * (1.0 - alpha);
            param[i] = param[i] + -lr * (g / (Math.Sqrt(s[i]) + eps));
        }
    }

    // torch.optim.SGD:
    //   d_p = d_p.add(param, alpha=weight_decay)
    //   buf = clone(d_p) on the first step, else buf.mul_(momentum).add_(d_p, alpha=1 - dampening)
    //   d_p = d_p.add(buf, alpha=momentum) if nesterov else buf; param.add_(d_p, alpha=-lr)
    private static void PyTorchSgd(double[] param, double[] grad, double[] buf, double lr, double momentum, double dampening, bool nesterov, double wd, bool first)
    {
        for (int i = 0; i < param.Length; i++)
        {
            double d = wd != 0 ? grad[i] + param[i] * wd : grad[i];
            if (momentum != 0)
            {
                buf[i] = first ? d : buf[i] * momentum + d * (1.0 - dampening);
                d = nesterov ? d + buf[i] * momentum : buf[i];
            }

            param[i] = param[i] + d * -lr;
        }
    }

    // uniform in [-2, 2), with a special value every 11th element from specialOffset (none when it is negative)
    private static double[] Data(Xoshiro256 rng, int n, int specialOffset)
    {
        var x = new double[n];
        rng.FillUniform(x, -2, 2);
        for (int i = specialOffset; specialOffset >= 0 && i < n; i += 11)
        {
            x[i] = Specials[(i / 11) % Specials.Length];
        }

        return x;
    }

    // a second moment: non-negative, as a square average is
    private static double[] Positive(Xoshiro256 rng, int n)
    {
        var x = new double[n];
        rng.FillUniform(x, 0, 4);
        return x;
    }

    private static double[] Clone(double[] x) => (double[])x.Clone();
}
