using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Tensorless.Autodiff.Optim;

/// <summary>
/// Adam (Kingma and Ba, 2015) following <c>torch.optim.Adam</c>'s single-tensor update step by step, so a run can be
/// compared with PyTorch's: at step t,
/// <c>g += weight_decay * p</c> (L2, not AdamW's decoupled decay);
/// <c>m = lerp(m, g, 1 - beta1)</c> (= beta1 m + (1 - beta1) g, computed as PyTorch's <c>lerp_</c>);
/// <c>v = beta2 v + (1 - beta2) g^2</c>;
/// <c>denom = sqrt(v) / sqrt(1 - beta2^t) + eps</c>;
/// <c>p -= lr / (1 - beta1^t) * m / denom</c>.
/// State exports as <c>adam.step</c>, <c>adam.exp_avg.NAME</c> and <c>adam.exp_avg_sq.NAME</c>.
/// </summary>
public sealed class Adam : IOptimizer
{
    private const string Prefix = "adam";
    private readonly Parameter[] _parameters;
    private readonly double[][] _expAvg;
    private readonly double[][] _expAvgSq;
    private double _learningRate;

    /// <summary>Creates the optimizer; the defaults are PyTorch's (SB3's PPO uses lr 3e-4 and eps 1e-8, CleanRL eps 1e-5).</summary>
    /// <param name="parameters">Parameters to optimise (typically a module's <c>ParameterSet</c>).</param>
    /// <param name="learningRate">Step size, non-negative.</param>
    /// <param name="beta1">Decay of the first moment, in [0, 1).</param>
    /// <param name="beta2">Decay of the second moment, in [0, 1).</param>
    /// <param name="eps">Added to the denominator for stability, positive.</param>
    /// <param name="weightDecay">L2 penalty added to the gradient, non-negative.</param>
    /// <exception cref="ArgumentException">An option is out of range (the message names it), or a parameter is repeated.</exception>
    public Adam(IReadOnlyList<Parameter> parameters, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999, double eps = 1e-8, double weightDecay = 0.0)
    {
        LearningRate = learningRate;
        Beta1 = OptimizerState.UnitInterval(beta1, nameof(beta1));
        Beta2 = OptimizerState.UnitInterval(beta2, nameof(beta2));
        Eps = OptimizerState.Positive(eps, nameof(eps));
        WeightDecay = OptimizerState.NonNegative(weightDecay, nameof(weightDecay));
        _parameters = OptimizerState.Snapshot(parameters);
        _expAvg = OptimizerState.Buffers(_parameters);
        _expAvgSq = OptimizerState.Buffers(_parameters);
    }

    /// <inheritdoc />
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = OptimizerState.NonNegative(value, nameof(LearningRate));
    }

    /// <summary>Decay rate of the first-moment estimate.</summary>
    public double Beta1 { get; }

    /// <summary>Decay rate of the second-moment estimate.</summary>
    public double Beta2 { get; }

    /// <summary>Denominator stabiliser.</summary>
    public double Eps { get; }

    /// <summary>L2 penalty coefficient added to the gradient.</summary>
    public double WeightDecay { get; }

    /// <inheritdoc />
    public long StepCount { get; private set; }

    /// <inheritdoc />
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <inheritdoc />
    public void Step()
    {
        StepCount++;
        double biasCorrection1 = 1.0 - Math.Pow(Beta1, StepCount);
        double biasCorrection2 = 1.0 - Math.Pow(Beta2, StepCount);
        double negStepSize = -(_learningRate / biasCorrection1);
        double biasCorrection2Sqrt = Math.Sqrt(biasCorrection2);
        for (int k = 0; k < _parameters.Length; k++)
        {
            var p = _parameters[k];
            Update(p.Data, p.Grad, _expAvg[k], _expAvgSq[k], negStepSize, biasCorrection2Sqrt);
        }
    }

    /// <inheritdoc />
    public void ZeroGrad()
    {
        foreach (var p in _parameters)
        {
            p.ZeroGrad();
        }
    }

    /// <inheritdoc />
    public Dictionary<string, double[]> ExportState() =>
        OptimizerState.Export(Prefix, StepCount, _parameters, ("exp_avg", _expAvg), ("exp_avg_sq", _expAvgSq));

    /// <inheritdoc />
    public void ImportState(IReadOnlyDictionary<string, double[]> state) =>
        StepCount = OptimizerState.Import(state, Prefix, _parameters, ("exp_avg", _expAvg), ("exp_avg_sq", _expAvgSq));

    // The vector body and the scalar tail perform the same IEEE operations in the same order (no FMA), so the result does
    // not depend on the length or on whether the hardware has AVX.
    private void Update(Span<double> p, ReadOnlySpan<double> g, Span<double> m, Span<double> v, double negStepSize, double bc2Sqrt)
    {
        double b2 = Beta2, oneMinusB2 = 1.0 - Beta2, w = 1.0 - Beta1, oneMinusW = Beta1, eps = Eps, wd = WeightDecay;
        bool lowWeight = w < 0.5; // PyTorch's lerp switches formula at weight 0.5 to stay exact at both ends.
        int n = p.Length, i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            ref double pr = ref MemoryMarshal.GetReference(p);
            ref double gr = ref MemoryMarshal.GetReference(g);
            ref double mr = ref MemoryMarshal.GetReference(m);
            ref double vr = ref MemoryMarshal.GetReference(v);
            var vb2 = Vector256.Create(b2);
            var v1mb2 = Vector256.Create(oneMinusB2);
            var vw = Vector256.Create(w);
            var v1mw = Vector256.Create(oneMinusW);
            var veps = Vector256.Create(eps);
            var vwd = Vector256.Create(wd);
            var vstep = Vector256.Create(negStepSize);
            var vbc2 = Vector256.Create(bc2Sqrt);
            for (; i <= n - 4; i += 4)
            {
                var pv = Vector256.LoadUnsafe(ref pr, (nuint)i);
                var gv = Vector256.LoadUnsafe(ref gr, (nuint)i);
                if (wd != 0)
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
            double gi = g[i];
            if (wd != 0)
            {
                gi += p[i] * wd;
            }

            double mi = lowWeight ? m[i] + w * (gi - m[i]) : gi - (gi - m[i]) * oneMinusW;
            double vi = v[i] * b2 + gi * gi * oneMinusB2;
            double denom = Math.Sqrt(vi) / bc2Sqrt + eps;
            p[i] += negStepSize * (mi / denom);
            m[i] = mi;
            v[i] = vi;
        }
    }
}
