using Tensorless.Autodiff.Kernels;

namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>
    /// Row-wise softmax of logits [m x k] into a workspace tensor [m x (k + 1)] (<see cref="SoftmaxKernels.SoftmaxRows"/>:
    /// probabilities, then the log-sum-exp in the last column), shared by the fused categorical ops' forward and backward
    /// passes.
    /// </summary>
    private Tensor SoftmaxRows(Tensor logits)
    {
        var t = Workspace.Allocate(logits.Rows, logits.Cols + 1, withGrad: false, zeroValues: false);
        SoftmaxKernels.SoftmaxRows(logits.Data, t.Data, logits.Rows, logits.Cols);
        return t;
    }
}
