using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Tensorless.Autodiff.Kernels;

/// <summary>
/// One parameter's update under each optimizer (PyTorch's single-tensor rules for Adam, RMSprop and SGD) and the
/// per-buffer part of global-norm clipping. Contract: every span of a call has the parameter's length n; the parameter
/// and the optimizer state (moments, momentum buffer) are read and overwritten in place, the gradient is only read. The
/// optimizer classes own the state, step counts and option checks; these kernels assume valid options. Exactness: the
/// vectorised Adam and RMSprop loops and SGD's TensorPrimitives sequence each match their scalar reference
/// (<c>...Reference</c>, the formula as PyTorch writes it) bit for bit at every length, because each lane does the
/// reference's IEEE operations in the same order with no fused multiply-add; they are the loops the optimizers always
/// ran, so trajectories keep their bits.
/// </summary>
public static class OptimizerKernels
{
    /// <summary>
    /// One Adam step (<c>torch.optim.Adam</c>, single tensor, L2 weight decay): effectively computes, for each i,
    /// <c>g = grad[i] + param[i] * weightDecay</c> (only when weightDecay is not 0);
    /// <c>m[i] = lerp(m[i], g, 1 - beta1)</c>;
    /// <c>v[i] = v[i] * beta2 + g * g * (1 - beta2)</c>;
    /// <c>param[i] += -(lr / biasCorrection1) * (m[i] / (sqrt(v[i]) / sqrt(biasCorrection2) + eps))</c>.
    /// The lerp follows PyTorch's: <c>m + w (g - m)</c> for weight w &lt; 0.5, else <c>g - (g - m)(1 - w)</c>.
    /// Vectorised with <see cref="Vector256"/> where the hardware accelerates it.
    /// </summary>
    /// <param name="param">Parameter values, length n (updated in place).</param>
    /// <param name="grad">Gradient, length n (read only).</param>
    /// <param name="expAvg">First moment m, length n (updated in place).</param>
    /// <param name="expAvgSq">Second moment v, length n (updated in place).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="beta1">Decay of the first moment.</param>
    /// <param name="beta2">Decay of the second moment.</param>
    /// <param name="eps">Added to the denominator after bias correction.</param>
    /// <param name="biasCorrection1"><c>1 - beta1^t</c> at step t.</param>
    /// <param name="biasCorrection2"><c>1 - beta2^t</c> at step t.</param>
    /// <param name="weightDecay">L2 coefficient added to the gradient (0: none).</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void AdamStep(
        Span<double> param,
        ReadOnlySpan<double> grad,
        Span<double> expAvg,
        Span<double> expAvgSq,
        double lr,
        double beta1,
        double beta2,
        double eps,
        double biasCorrection1,
        double biasCorrection2,
        double weightDecay)
    {
        int n = param.Length;
        CheckLengths(n, grad.Length, expAvg.Length, expAvgSq.Length);
        double negStepSize = -(lr / biasCorrection1), bc2Sqrt = Math.Sqrt(biasCorrection2);
        double oneMinusB2 = 1.0 - beta2, w = 1.0 - beta1, oneMinusW = beta1;
        bool lowWeight = w < 0.5; // PyTorch's lerp switches formula at weight 0.5 to stay exact at both ends.
        ref double pr = ref MemoryMarshal.GetReference(param);
        ref double gr = ref MemoryMarshal.GetReference(grad);
        ref double mr = ref MemoryMarshal.GetReference(expAvg);
        ref double vr = ref MemoryMarshal.GetReference(expAvgSq);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var vb2 = Vector256.Create(beta2);
            var v1mb2 = Vector256.Create(oneMinusB2);
            var vw = Vector256.Create(w);
            var v1mw = Vector256.Create(oneMinusW);
            var veps = Vector256.Create(eps);
            var vwd = Vector256.Create(weightDecay);
            var vstep = Vector256.Create(negStepSize);
            var vbc2 = Vector256.Create(bc2Sqrt);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                if (weightDecay != 0)
                {
                    gv += pv * vwd;
                }

                var mv = Vector256.LoadUnsafe(ref mr, (nuint)i);
                mv = lowWeight ? mv + vw * (gv - mv) : gv - (gv - mv) * v1mw;
                var vv = Vector256.LoadUnsafe(ref vr, (nuint)i) * vb2 + gv * gv * v1mb2;
                var denom = Vector256.Sqrt(vv) / vbc2 + veps;
                pv += vstep * (mv / denom);
                mv.StoreUnsafe(ref mr, (nuint)i);
                vv.StoreUnsafe(ref vr, (nuint)i);
                pv.StoreUnsafe(ref pr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            AdamElement(ref Unsafe.Add(ref pr, i), Unsafe.Add(ref gr, i), ref Unsafe.Add(ref mr, i), ref Unsafe.Add(ref vr, i), negStepSize, beta2, oneMinusB2, w, oneMinusW, lowWeight, eps, bc2Sqrt, weightDecay);
        }
    }

    /// <summary>The plain loop <see cref="AdamStep"/> must equal bit for bit (same arguments, same contract).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void AdamStepReference(
        Span<double> param,
        ReadOnlySpan<double> grad,
        Span<double> expAvg,
        Span<double> expAvgSq,
        double lr,
        double beta1,
        double beta2,
        double eps,
        double biasCorrection1,
        double biasCorrection2,
        double weightDecay)
    {
        CheckLengths(param.Length, grad.Length, expAvg.Length, expAvgSq.Length);
        double negStepSize = -(lr / biasCorrection1), bc2Sqrt = Math.Sqrt(biasCorrection2);
        double w = 1.0 - beta1;
        for (int i = 0; i < param.Length; i++)
        {
            AdamElement(ref param[i], grad[i], ref expAvg[i], ref expAvgSq[i], negStepSize, beta2, 1.0 - beta2, w, beta1, w < 0.5, eps, bc2Sqrt, weightDecay);
        }
    }

    /// <summary>
    /// One RMSprop step (<c>torch.optim.RMSprop</c>, non-centered, no momentum): effectively computes, for each i,
    /// <c>g = grad[i] + param[i] * weightDecay</c> (only when weightDecay is not 0);
    /// <c>s[i] = s[i] * alpha + g * g * (1 - alpha)</c>; <c>param[i] += -lr * (g / (sqrt(s[i]) + eps))</c>
    /// (eps outside the root, as PyTorch). Vectorised with <see cref="Vector256"/> where the hardware accelerates it.
    /// </summary>
    /// <param name="param">Parameter values, length n (updated in place).</param>
    /// <param name="grad">Gradient, length n (read only).</param>
    /// <param name="squareAvg">Running average of the squared gradient, length n (updated in place).</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="alpha">Decay of the squared-gradient average.</param>
    /// <param name="eps">Added after the square root.</param>
    /// <param name="weightDecay">L2 coefficient added to the gradient (0: none).</param>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void RmsPropStep(Span<double> param, ReadOnlySpan<double> grad, Span<double> squareAvg, double lr, double alpha, double eps, double weightDecay)
    {
        int n = param.Length;
        CheckLengths(n, grad.Length, squareAvg.Length, n);
        double oneMinusAlpha = 1.0 - alpha, negLr = -lr;
        ref double pr = ref MemoryMarshal.GetReference(param);
        ref double gr = ref MemoryMarshal.GetReference(grad);
        ref double sr = ref MemoryMarshal.GetReference(squareAvg);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var va = Vector256.Create(alpha);
            var v1ma = Vector256.Create(oneMinusAlpha);
            var veps = Vector256.Create(eps);
            var vwd = Vector256.Create(weightDecay);
            var vlr = Vector256.Create(negLr);
            for (; i <= n - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                if (weightDecay != 0)
                {
                    gv += pv * vwd;
                }

                var sv = Vector256.LoadUnsafe(ref sr, (nuint)i) * va + gv * gv * v1ma;
                pv += vlr * (gv / (Vector256.Sqrt(sv) + veps));
                sv.StoreUnsafe(ref sr, (nuint)i);
                pv.StoreUnsafe(ref pr, (nuint)i);
            }
        }

        for (; i < n; i++)
        {
            RmsPropElement(ref Unsafe.Add(ref pr, i), Unsafe.Add(ref gr, i), ref Unsafe.Add(ref sr, i), negLr, alpha, oneMinusAlpha, eps, weightDecay);
        }
    }

    /// <summary>The plain loop <see cref="RmsPropStep"/> must equal bit for bit (same arguments, same contract).</summary>
    /// <exception cref="ArgumentException">The spans differ in length.</exception>
    public static void RmsPropStepReference(Span<double> param, ReadOnlySpan<double> grad, Span<double> squareAvg, double lr, double alpha, double eps, double weightDecay)
    {
        CheckLengths(param.Length, grad.Length, squareAvg.Length, param.Length);
        for (int i = 0; i < param.Length; i++)
        {
            RmsPropElement(ref param[i], grad[i], ref squareAvg[i], -lr, alpha, 1.0 - alpha, eps, weightDecay);
        }
    }

    /// <summary>
    /// One SGD step (<c>torch.optim.SGD</c>): effectively computes, for each i,
    /// <c>d = grad[i] + param[i] * weightDecay</c> (only when weightDecay is not 0); with momentum (not 0),
    /// <c>buf[i] = d</c> on the first step and <c>buf[i] = buf[i] * momentum + d * (1 - dampening)</c> after, then
    /// <c>d = d + buf[i] * momentum</c> with Nesterov or <c>d = buf[i]</c> without; finally <c>param[i] += d * -lr</c>.
    /// Runs as a sequence of TensorPrimitives calls (multiply and add rounded separately, never fused) through
    /// <paramref name="scratch"/>.
    /// </summary>
    /// <param name="param">Parameter values, length n (updated in place).</param>
    /// <param name="grad">Gradient, length n (read only).</param>
    /// <param name="momentumBuffer">Momentum buffer, length n (updated in place); not touched, and may be empty, when <paramref name="momentum"/> is 0.</param>
    /// <param name="scratch">Working space, length n; its contents on return are unspecified.</param>
    /// <param name="lr">Learning rate.</param>
    /// <param name="momentum">Momentum factor (0: plain SGD).</param>
    /// <param name="dampening">Damping of the gradient entering the momentum buffer after the first step.</param>
    /// <param name="nesterov">Nesterov momentum (the caller checks momentum &gt; 0 and dampening 0).</param>
    /// <param name="weightDecay">L2 coefficient added to the gradient (0: none).</param>
    /// <param name="firstStep">Whether this is the optimizer's first step (the buffer is then set to the gradient, not decayed).</param>
    /// <exception cref="ArgumentException">A span's length is not n.</exception>
    public static void SgdStep(
        Span<double> param,
        ReadOnlySpan<double> grad,
        Span<double> momentumBuffer,
        Span<double> scratch,
        double lr,
        double momentum,
        double dampening,
        bool nesterov,
        double weightDecay,
        bool firstStep)
    {
        int n = param.Length;
        CheckLengths(n, grad.Length, momentum != 0 ? momentumBuffer.Length : n, scratch.Length);
        Span<double> d = scratch;
        grad.CopyTo(d);
        if (weightDecay != 0)
        {
            TensorPrimitives.MultiplyAdd(param, weightDecay, d, d); // d = g + wd p
        }

        if (momentum != 0)
        {
            Span<double> buf = momentumBuffer;
            if (firstStep)
            {
                d.CopyTo(buf);
            }
            else
            {
                TensorPrimitives.Multiply(buf, momentum, buf);
                TensorPrimitives.MultiplyAdd(d, 1.0 - dampening, buf, buf); // buf = momentum buf + (1 - dampening) d
            }

            if (nesterov)
            {
                TensorPrimitives.MultiplyAdd(buf, momentum, d, d); // d = d + momentum buf
            }
            else
            {
                buf.CopyTo(d);
            }
        }

        TensorPrimitives.MultiplyAdd(d, -lr, param, param); // p = p - lr d
    }

    /// <summary>The plain loop <see cref="SgdStep"/> must equal bit for bit (same arguments; it leaves <paramref name="scratch"/> alone).</summary>
    /// <exception cref="ArgumentException">A span's length is not n.</exception>
    public static void SgdStepReference(
        Span<double> param,
        ReadOnlySpan<double> grad,
        Span<double> momentumBuffer,
        Span<double> scratch,
        double lr,
        double momentum,
        double dampening,
        bool nesterov,
        double weightDecay,
        bool firstStep)
    {
        int n = param.Length;
        CheckLengths(n, grad.Length, momentum != 0 ? momentumBuffer.Length : n, scratch.Length);
        for (int i = 0; i < n; i++)
        {
            double d = grad[i];
            if (weightDecay != 0)
            {
                d = param[i] * weightDecay + d;
            }

            if (momentum != 0)
            {
                double buf = firstStep ? d : d * (1.0 - dampening) + momentumBuffer[i] * momentum;
                momentumBuffer[i] = buf;
                d = nesterov ? buf * momentum + d : buf;
            }

            param[i] = d * -lr + param[i];
        }
    }

    /// <summary>
    /// Returns the square of the L2 norm of <paramref name="x"/>, computed as the norm and then squared
    /// (<c>TensorPrimitives.Norm(x)^2</c>, not a raw sum of squares): one parameter's term in
    /// <c>clip_grad_norm_</c>'s norm of per-parameter norms. The sum inside the norm runs in TensorPrimitives'
    /// vectorised lane order, so it agrees with a sequential sum of squares to rounding, not bit for bit.
    /// </summary>
    public static double SquaredNorm(ReadOnlySpan<double> x)
    {
        double norm = TensorPrimitives.Norm(x);
        return norm * norm;
    }

    // The reference's per-element Adam update, shared by the vector kernel's tail so the two cannot drift apart.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AdamElement(ref double p, double g, ref double m, ref double v, double negStepSize, double beta2, double oneMinusB2, double w, double oneMinusW, bool lowWeight, double eps, double bc2Sqrt, double weightDecay)
    {
        if (weightDecay != 0)
        {
            g += p * weightDecay; // g = g + wd p (L2, not AdamW)
        }

        double mi = lowWeight ? m + w * (g - m) : g - (g - m) * oneMinusW; // m = lerp(m, g, 1 - beta1)
        double vi = v * beta2 + g * g * oneMinusB2; // v = beta2 v + (1 - beta2) g^2
        double denom = Math.Sqrt(vi) / bc2Sqrt + eps; // sqrt(v) / sqrt(1 - beta2^t) + eps
        p += negStepSize * (mi / denom); // p -= lr / (1 - beta1^t) * m / denom
        m = mi;
        v = vi;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RmsPropElement(ref double p, double g, ref double s, double negLr, double alpha, double oneMinusAlpha, double eps, double weightDecay)
    {
        if (weightDecay != 0)
        {
            g += p * weightDecay; // g = g + wd p
        }

        double si = s * alpha + g * g * oneMinusAlpha; // s = alpha s + (1 - alpha) g^2
        p += negLr * (g / (Math.Sqrt(si) + eps)); // p -= lr g / (sqrt(s) + eps)
        s = si;
    }

    private static void CheckLengths(int n, int a, int b, int c)
    {
        if (a != n || b != n || c != n)
        {
            ThrowLengths(n, a, b, c);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLengths(int n, int a, int b, int c) =>
        throw new ArgumentException($"Optimizer kernels need spans of the parameter's length {n}; got {a}, {b} and {c}.");
}
