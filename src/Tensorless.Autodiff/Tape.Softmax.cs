namespace Tensorless.Autodiff;

public sealed partial class Tape
{
    /// <summary>
    /// Row-wise softmax of logits [m x k] into a workspace tensor [m x (k + 1)]: columns 0..k-1 hold
    /// <c>p_j = exp(x_j - max) / s</c> and column k the log-sum-exp <c>max + log s</c>, with <c>s = sum_j exp(x_j - max)</c>.
    /// One exp per logit and one log per row serve the fused categorical ops' forward and backward passes alike; the
    /// log-sum-exp is computed exactly as <see cref="LogSumExp"/> does, so tape and span log-probabilities agree bit for bit.
    /// </summary>
    private SoftmaxRowsView SoftmaxRows(Tensor logits)
    {
        int k = logits.Cols;
        var t = Workspace.Allocate(logits.Rows, k + 1, withGrad: false, zeroValues: false);
        var ld = logits.Data;
        var td = t.Data;
        for (int r = 0; r < logits.Rows; r++)
        {
            var row = ld.Slice(r * k, k);
            var p = td.Slice(r * (k + 1), k);
            double max = System.Numerics.Tensors.TensorPrimitives.Max<double>(row);
            if (double.IsInfinity(max))
            {
                // no finite maximum (all -inf, or a +inf): the distribution is undefined, as LogSumExp reports
                p.Fill(double.NaN);
                td[r * (k + 1) + k] = max;
                continue;
            }

            double sum = 0;
            for (int j = 0; j < k; j++)
            {
                double e = Math.Exp(row[j] - max);
                p[j] = e;
                sum += e;
            }

            for (int j = 0; j < k; j++)
            {
                p[j] /= sum;
            }

            td[r * (k + 1) + k] = max + Math.Log(sum);
        }

        return new SoftmaxRowsView(t);
    }

    /// <summary>Reads the rows of a tensor made by <see cref="SoftmaxRows"/>.</summary>
    private readonly struct SoftmaxRowsView(Tensor tensor)
    {
        public Tensor Tensor => tensor;

        public ReadOnlySpan<double> P(int row) => tensor.Data.Slice(row * tensor.Cols, tensor.Cols - 1);

        public double Lse(int row) => tensor.Data[row * tensor.Cols + tensor.Cols - 1];
    }
}
