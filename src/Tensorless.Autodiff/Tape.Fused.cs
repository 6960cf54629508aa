using System.Numerics.Tensors;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    private static readonly double HalfLog2Pi = 0.5 * Math.Log(2.0 * Math.PI);

    /// <summary>
    /// Log-probability of categorical actions under unnormalised logits: <c>out[i] = logits[i, a_i] - logsumexp(logits[i, :])</c>.
    /// <paramref name="actions"/> is m x 1 of whole numbers and is not differentiated.
    /// </summary>
    /// <exception cref="ArgumentException">The actions are not [m x 1] or hold a value that is not a category index.</exception>
    public Tensor CategoricalLogProb(Tensor logits, Tensor actions)
    {
        Column(nameof(CategoricalLogProb), "actions", actions, logits.Rows);
        var y = Output(logits.Rows, 1, logits.RequiresGrad);
        var softmax = SoftmaxRows(logits);
        var ld = logits.Data;
        var act = actions.Data;
        int k = logits.Cols;
        for (int r = 0; r < logits.Rows; r++)
        {
            var row = ld.Slice(r * k, k);
            y.Data[r] = row[CheckedIndex(nameof(CategoricalLogProb), act[r], r, k)] - softmax.Lse(r);
        }

        Record(OpKind.CategoricalLogProb, y, logits, actions, softmax.Tensor);
        return y;
    }

    /// <summary>Entropy of the categorical distribution of each row of logits: <c>out[i] = -sum_j p_ij log p_ij</c>.</summary>
    public Tensor CategoricalEntropy(Tensor logits)
    {
        var y = Output(logits.Rows, 1, logits.RequiresGrad);
        var softmax = SoftmaxRows(logits);
        var ld = logits.Data;
        int k = logits.Cols;
        for (int r = 0; r < logits.Rows; r++)
        {
            y.Data[r] = EntropyFromSoftmax(ld.Slice(r * k, k), softmax.P(r), softmax.Lse(r));
        }

        Record(OpKind.CategoricalEntropy, y, logits, softmax.Tensor);
        return y;
    }

    /// <summary>
    /// Log-density of actions under a diagonal Gaussian with mean [m x d] and log standard deviation [1 x d] (shared by all
    /// rows) or [m x d]: <c>out[i] = sum_j -(a - mu)^2 / (2 sigma^2) - log sigma - log(2 pi) / 2</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The shapes do not line up.</exception>
    public Tensor GaussianLogProb(Tensor mean, Tensor logStd, Tensor actions)
    {
        SameShape(nameof(GaussianLogProb), mean, actions);
        CheckLogStd(nameof(GaussianLogProb), logStd, mean.Rows, mean.Cols);
        var y = Output(mean.Rows, 1, mean.RequiresGrad || logStd.RequiresGrad || actions.RequiresGrad);
        var md = mean.Data;
        var sd = logStd.Data;
        var ad = actions.Data;
        int d = mean.Cols;
        bool shared = logStd.Rows == 1;
        for (int r = 0; r < mean.Rows; r++)
        {
            double sum = 0;
            int so = shared ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                double z = (ad[r * d + j] - md[r * d + j]) * Math.Exp(-sd[so + j]);
                sum += -0.5 * z * z - sd[so + j] - HalfLog2Pi;
            }

            y.Data[r] = sum;
        }

        Record(OpKind.GaussianLogProb, y, mean, logStd, actions);
        return y;
    }

    /// <summary>
    /// Entropy of a diagonal Gaussian from its log standard deviation ([r x d]): <c>out[i] = sum_j 1/2 + log(2 pi)/2 + logStd[i, j]</c>.
    /// </summary>
    public Tensor GaussianEntropy(Tensor logStd)
    {
        var y = Output(logStd.Rows, 1, logStd.RequiresGrad);
        var sd = logStd.Data;
        int d = logStd.Cols;
        for (int r = 0; r < logStd.Rows; r++)
        {
            double sum = 0;
            for (int j = 0; j < d; j++)
            {
                sum += 0.5 + HalfLog2Pi + sd[r * d + j];
            }

            y.Data[r] = sum;
        }

        Record(OpKind.GaussianEntropy, y, logStd);
        return y;
    }

    /// <summary>
    /// PPO's clipped surrogate loss (Schulman et al. 2017, eq. 7), negated for minimisation and averaged over the batch:
    /// <c>-mean(min(r A, clip(r, 1 - eps, 1 + eps) A))</c> with <c>r = exp(logProb - oldLogProb)</c>. Only
    /// <paramref name="logProb"/> is differentiated; the old log-probabilities and advantages are data.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not m x 1 columns, or clipRange is not positive.</exception>
    public Tensor PpoClipLoss(Tensor logProb, Tensor oldLogProb, Tensor advantages, double clipRange)
    {
        Column(nameof(PpoClipLoss), "log-probabilities", logProb, logProb.Rows);
        Column(nameof(PpoClipLoss), "old log-probabilities", oldLogProb, logProb.Rows);
        Column(nameof(PpoClipLoss), "advantages", advantages, logProb.Rows);
        if (!(clipRange > 0))
        {
            throw new ArgumentException($"PpoClipLoss needs a positive clip range, got {clipRange}.", nameof(clipRange));
        }

        var y = Output(1, 1, logProb.RequiresGrad);
        var lp = logProb.Data;
        var old = oldLogProb.Data;
        var adv = advantages.Data;
        double sum = 0;
        for (int i = 0; i < lp.Length; i++)
        {
            double ratio = Math.Exp(lp[i] - old[i]);
            double clipped = Math.Clamp(ratio, 1.0 - clipRange, 1.0 + clipRange);
            sum += Math.Min(ratio * adv[i], clipped * adv[i]);
        }

        y.Data[0] = -sum / lp.Length;
        Record(OpKind.PpoClipLoss, y, logProb, oldLogProb, advantages, s0: clipRange);
        return y;
    }

    /// <summary>Mean squared error, <c>mean((prediction - target)^2)</c>, as a 1 x 1 tensor.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Mse(Tensor prediction, Tensor target)
    {
        SameShape(nameof(Mse), prediction, target);
        var y = Output(1, 1, prediction.RequiresGrad || target.RequiresGrad);
        var p = prediction.Data;
        var t = target.Data;
        double sum = 0;
        for (int i = 0; i < p.Length; i++)
        {
            double e = p[i] - t[i];
            sum += e * e;
        }

        y.Data[0] = sum / p.Length;
        Record(OpKind.Mse, y, prediction, target);
        return y;
    }

    // d logp / d logits_j = 1[j = a] - p_j, with p saved by the forward pass
    private static void BackwardCategoricalLogProb(ref Node node)
    {
        var logits = node.A!;
        var act = node.B!.Data;
        var softmax = new SoftmaxRowsView(node.C!);
        var g = node.Out.Grad;
        var gl = logits.Grad;
        int k = logits.Cols;
        for (int r = 0; r < logits.Rows; r++)
        {
            var p = softmax.P(r);
            for (int j = 0; j < k; j++)
            {
                gl[r * k + j] -= g[r] * p[j];
            }

            gl[r * k + (int)act[r]] += g[r];
        }
    }

    // dH / d logits_j = -p_j (log p_j + H), with p and the log-sum-exp saved by the forward pass
    private static void BackwardCategoricalEntropy(ref Node node)
    {
        var logits = node.A!;
        var softmax = new SoftmaxRowsView(node.B!);
        var g = node.Out.Grad;
        var h = node.Out.Data;
        var ld = logits.Data;
        var gl = logits.Grad;
        int k = logits.Cols;
        for (int r = 0; r < logits.Rows; r++)
        {
            var p = softmax.P(r);
            double lse = softmax.Lse(r);
            for (int j = 0; j < k; j++)
            {
                if (p[j] > 0)
                {
                    gl[r * k + j] -= g[r] * p[j] * (ld[r * k + j] - lse + h[r]);
                }
            }
        }
    }

    // with z = (a - mu) / sigma: d/dmu = z / sigma, d/dlogStd = z^2 - 1, d/da = -z / sigma
    private static void BackwardGaussianLogProb(ref Node node)
    {
        Tensor mean = node.A!, logStd = node.B!, actions = node.C!;
        var g = node.Out.Grad;
        var md = mean.Data;
        var sd = logStd.Data;
        var ad = actions.Data;
        Span<double> gm = mean.RequiresGrad ? mean.Grad : default;
        Span<double> gs = logStd.RequiresGrad ? logStd.Grad : default;
        Span<double> ga = actions.RequiresGrad ? actions.Grad : default;
        int d = mean.Cols;
        bool shared = logStd.Rows == 1;
        for (int r = 0; r < mean.Rows; r++)
        {
            int so = shared ? 0 : r * d;
            for (int j = 0; j < d; j++)
            {
                double invSigma = Math.Exp(-sd[so + j]);
                double z = (ad[r * d + j] - md[r * d + j]) * invSigma;
                if (!gm.IsEmpty)
                {
                    gm[r * d + j] += g[r] * z * invSigma;
                }

                if (!gs.IsEmpty)
                {
                    gs[so + j] += g[r] * (z * z - 1.0);
                }

                if (!ga.IsEmpty)
                {
                    ga[r * d + j] -= g[r] * z * invSigma;
                }
            }
        }
    }

    // dH / d logStd_j = 1
    private static void BackwardGaussianEntropy(ref Node node)
    {
        var logStd = node.A!;
        var g = node.Out.Grad;
        var gs = logStd.Grad;
        int d = logStd.Cols;
        for (int r = 0; r < logStd.Rows; r++)
        {
            for (int j = 0; j < d; j++)
            {
                gs[r * d + j] += g[r];
            }
        }
    }

    // dL/dlogp_i = -(A_i r_i / m) where the unclipped term is the minimum, 0 where the clipped constant is; ties split, as torch.min does
    private static void BackwardPpoClipLoss(ref Node node)
    {
        Tensor logProb = node.A!;
        var lp = logProb.Data;
        var old = node.B!.Data;
        var adv = node.C!.Data;
        var gl = logProb.Grad;
        double eps = node.S0;
        double g = node.Out.Grad[0] / lp.Length;
        for (int i = 0; i < lp.Length; i++)
        {
            double ratio = Math.Exp(lp[i] - old[i]);
            double unclipped = ratio * adv[i];
            double clippedRatio = Math.Clamp(ratio, 1.0 - eps, 1.0 + eps);
            double clipped = clippedRatio * adv[i];
            double weight;
            if (unclipped < clipped)
            {
                weight = 1.0;
            }
            else if (unclipped > clipped)
            {
                // the clipped term is the minimum: it carries a gradient only while the ratio is inside the clip range
                weight = ratio >= 1.0 - eps && ratio <= 1.0 + eps ? 1.0 : 0.0;
            }
            else
            {
                weight = 0.5 + (ratio >= 1.0 - eps && ratio <= 1.0 + eps ? 0.5 : 0.0);
            }

            gl[i] -= g * weight * unclipped;
        }
    }

    // d/dp = 2 (p - t) / n, d/dt = -2 (p - t) / n
    private static void BackwardMse(ref Node node)
    {
        Tensor p = node.A!, t = node.B!;
        var pd = p.Data;
        var td = t.Data;
        double g = node.Out.Grad[0] * 2.0 / pd.Length;
        Span<double> gp = p.RequiresGrad ? p.Grad : default;
        Span<double> gt = t.RequiresGrad ? t.Grad : default;
        for (int i = 0; i < pd.Length; i++)
        {
            double e = g * (pd[i] - td[i]);
            if (!gp.IsEmpty)
            {
                gp[i] += e;
            }

            if (!gt.IsEmpty)
            {
                gt[i] -= e;
            }
        }
    }

    /// <summary>-sum p log p of one row of logits, with the same arithmetic as the tape's fused entropy.</summary>
    internal static double EntropyOfRow(ReadOnlySpan<double> row)
    {
        double max = TensorPrimitives.Max<double>(row);
        double sum = 0;
        for (int j = 0; j < row.Length; j++)
        {
            sum += Math.Exp(row[j] - max);
        }

        double lse = max + Math.Log(sum);
        double h = 0;
        for (int j = 0; j < row.Length; j++)
        {
            double p = Math.Exp(row[j] - max) / sum;
            if (p > 0)
            {
                h -= p * (row[j] - lse); // a category of probability 0 adds nothing (0 log 0 = 0)
            }
        }

        return h;
    }

    /// <summary>-sum p log p from a row's softmax and log-sum-exp.</summary>
    private static double EntropyFromSoftmax(ReadOnlySpan<double> row, ReadOnlySpan<double> p, double lse)
    {
        double h = 0;
        for (int j = 0; j < row.Length; j++)
        {
            if (p[j] > 0)
            {
                h -= p[j] * (row[j] - lse); // a category of probability 0 adds nothing (0 log 0 = 0)
            }
        }

        return h;
    }

    private static void CheckLogStd(string op, Tensor logStd, int rows, int cols)
    {
        if (logStd.Cols != cols || (logStd.Rows != 1 && logStd.Rows != rows))
        {
            throw new ArgumentException($"{op} needs a log-std of shape [1x{cols}] or [{rows}x{cols}], got {logStd.ShapeText}.");
        }
    }
}
