using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>
    /// Log-probability of categorical actions under unnormalised logits: <c>out[i] = logits[i, a_i] - logsumexp(logits[i, :])</c>.
    /// <paramref name="actions"/> is m x 1 of whole numbers and is not differentiated.
    /// </summary>
    /// <exception cref="ArgumentException">The actions are not [m x 1] or hold a value that is not a category index.</exception>
    public Tensor CategoricalLogProb(Tensor logits, Tensor actions)
    {
        Column(nameof(CategoricalLogProb), "actions", actions, logits.Rows);
        CheckIndices(nameof(CategoricalLogProb), actions.Data, logits.Cols);
        var y = Output(logits.Rows, 1, logits.RequiresGrad);
        var softmax = SoftmaxRows(logits);
        CategoricalKernels.LogProb(logits.Data, actions.Data, softmax.Data, y.Data, logits.Cols);
        Record(OpKind.CategoricalLogProb, y, logits, actions, softmax);
        return y;
    }

    /// <summary>Entropy of the categorical distribution of each row of logits: <c>out[i] = -sum_j p_ij log p_ij</c>.</summary>
    public Tensor CategoricalEntropy(Tensor logits)
    {
        var y = Output(logits.Rows, 1, logits.RequiresGrad);
        var softmax = SoftmaxRows(logits);
        CategoricalKernels.Entropy(logits.Data, softmax.Data, y.Data, logits.Cols);
        Record(OpKind.CategoricalEntropy, y, logits, softmax);
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
        GaussianKernels.LogProb(mean.Data, logStd.Data, actions.Data, y.Data, mean.Cols, shared: logStd.Rows == 1);
        Record(OpKind.GaussianLogProb, y, mean, logStd, actions);
        return y;
    }

    /// <summary>
    /// Entropy of a diagonal Gaussian from its log standard deviation ([r x d]): <c>out[i] = sum_j 1/2 + log(2 pi)/2 + logStd[i, j]</c>.
    /// </summary>
    public Tensor GaussianEntropy(Tensor logStd)
    {
        var y = Output(logStd.Rows, 1, logStd.RequiresGrad);
        GaussianKernels.Entropy(logStd.Data, y.Data, logStd.Cols, shared: false);
        Record(OpKind.GaussianEntropy, y, logStd);
        return y;
    }

    /// <summary>
    /// PPO's clipped surrogate loss (Schulman et al. 2017, eq. 7), negated for minimisation and averaged over the batch:
    /// <c>-mean(min(r A, clip(r, 1 - eps, 1 + eps) A))</c> with <c>r = exp(logProb - oldLogProb)</c>. Only
    /// <paramref name="logProb"/> is differentiated; the old log-probabilities and advantages are data.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs are not m x 1 columns, or clipRange is not positive.</exception>
    public Tensor ClippedSurrogateLoss(Tensor logProb, Tensor oldLogProb, Tensor advantages, double clipRange)
    {
        Column(nameof(ClippedSurrogateLoss), "log-probabilities", logProb, logProb.Rows);
        Column(nameof(ClippedSurrogateLoss), "old log-probabilities", oldLogProb, logProb.Rows);
        Column(nameof(ClippedSurrogateLoss), "advantages", advantages, logProb.Rows);
        if (!(clipRange > 0))
        {
            throw new ArgumentException($"ClippedSurrogateLoss needs a positive clip range, got {clipRange}.", nameof(clipRange));
        }

        var y = Output(1, 1, logProb.RequiresGrad);
        y.Data[0] = LossKernels.ClippedSurrogate(logProb.Data, oldLogProb.Data, advantages.Data, clipRange);
        Record(OpKind.ClippedSurrogateLoss, y, logProb, oldLogProb, advantages, s0: clipRange);
        return y;
    }

    /// <summary>Mean squared error, <c>mean((prediction - target)^2)</c>, as a 1 x 1 tensor.</summary>
    /// <exception cref="ArgumentException">The shapes differ.</exception>
    public Tensor Mse(Tensor prediction, Tensor target)
    {
        SameShape(nameof(Mse), prediction, target);
        var y = Output(1, 1, prediction.RequiresGrad || target.RequiresGrad);
        y.Data[0] = LossKernels.Mse(prediction.Data, target.Data);
        Record(OpKind.Mse, y, prediction, target);
        return y;
    }

    // d logp / d logits_j = 1[j = a] - p_j, with p saved by the forward pass
    private static void BackwardCategoricalLogProb(ref Node node)
    {
        var logits = node.A!;
        CategoricalKernels.AccumulateLogProbBackward(node.Out.Grad, node.B!.Data, node.C!.Data, logits.Grad, logits.Cols);
    }

    // dH / d logits_j = -p_j (log p_j + H), with p and the log-sum-exp saved by the forward pass
    private static void BackwardCategoricalEntropy(ref Node node)
    {
        var logits = node.A!;
        CategoricalKernels.AccumulateEntropyBackward(node.Out.Grad, node.Out.Data, logits.Data, node.B!.Data, logits.Grad, logits.Cols);
    }

    // with z = (a - mu) / sigma: d/dmu = z / sigma, d/dlogStd = z^2 - 1, d/da = -z / sigma
    private static void BackwardGaussianLogProb(ref Node node)
    {
        Tensor mean = node.A!, logStd = node.B!, actions = node.C!;
        GaussianKernels.AccumulateLogProbBackward(
            node.Out.Grad, mean.Data, logStd.Data, actions.Data,
            mean.RequiresGrad ? mean.Grad : default, logStd.RequiresGrad ? logStd.Grad : default, actions.RequiresGrad ? actions.Grad : default,
            mean.Cols, shared: logStd.Rows == 1);
    }

    // dH / d logStd_j = 1
    private static void BackwardGaussianEntropy(ref Node node) =>
        GaussianKernels.AccumulateEntropyBackward(node.Out.Grad, node.A!.Grad, node.A.Cols);

    // dL/dlogp_i = -(A_i r_i / m) where the unclipped term is the minimum, 0 where the clipped constant is; ties split, as torch.min does
    private static void BackwardClippedSurrogateLoss(ref Node node)
    {
        Tensor logProb = node.A!;
        LossKernels.AccumulateClippedSurrogateBackward(node.Out.Grad[0], logProb.Data, node.B!.Data, node.C!.Data, node.S0, logProb.Grad);
    }

    // d/dp = 2 (p - t) / n, d/dt = -2 (p - t) / n
    private static void BackwardMse(ref Node node)
    {
        Tensor p = node.A!, t = node.B!;
        LossKernels.AccumulateMseBackward(node.Out.Grad[0], p.Data, t.Data, p.RequiresGrad ? p.Grad : default, t.RequiresGrad ? t.Grad : default);
    }

    private static void CheckLogStd(string op, Tensor logStd, int rows, int cols)
    {
        if (logStd.Cols != cols || (logStd.Rows != 1 && logStd.Rows != rows))
        {
            throw new ArgumentException($"{op} needs a log-std of shape [1x{cols}] or [{rows}x{cols}], got {logStd.ShapeText}.");
        }
    }
}
