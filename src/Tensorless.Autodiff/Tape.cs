using System.Runtime.CompilerServices;

namespace Tensorless.Autodiff;

/// <summary>
/// Reverse-mode automatic differentiation over tensors. Ops called on a recording tape compute their result into the
/// tape's <see cref="Workspace"/> and append a node (op, inputs, output) to a list in execution order;
/// <see cref="Backward"/> walks that list in reverse, and every rule adds into its inputs' gradients, so a tensor used
/// twice receives both contributions (micrograd's semantics). With <see cref="IsRecording"/> false (inference mode) the
/// same ops only compute values. <see cref="Reset"/> forgets the record and returns all intermediates to the workspace,
/// so steady-state steps allocate nothing.
/// </summary>
public sealed partial class Tape
{
    private static long s_nextVersion;
    private Node[] _nodes = new Node[64];
    private int _count;
    private long _version = Interlocked.Increment(ref s_nextVersion);

    /// <summary>Creates a tape with its own workspace.</summary>
    /// <param name="recording">False for an inference-only tape that records nothing.</param>
    public Tape(bool recording = true)
    {
        IsRecording = recording;
        Workspace = new Workspace();
    }

    /// <summary>The arena that intermediates come from.</summary>
    public Workspace Workspace { get; }

    /// <summary>When false, ops compute values only: nothing is recorded and no output requires a gradient.</summary>
    public bool IsRecording { get; set; }

    /// <summary>Number of ops recorded since the last reset.</summary>
    public int NodeCount => _count;

    /// <summary>Forgets every recorded op and takes back all intermediate tensors. Parameters are untouched.</summary>
    public void Reset()
    {
        Array.Clear(_nodes, 0, _count);
        _count = 0;
        _version = Interlocked.Increment(ref s_nextVersion);
        Workspace.Reset();
    }

    /// <summary>A tensor of the given shape filled from <paramref name="values"/>, owned by the workspace and constant.</summary>
    /// <exception cref="ArgumentException">The value count does not match the shape.</exception>
    public Tensor Constant(ReadOnlySpan<double> values, int rows, int cols)
    {
        if (values.Length != rows * cols)
        {
            throw new ArgumentException($"A {rows}x{cols} constant needs {rows * cols} values, got {values.Length}.", nameof(values));
        }

        var t = Workspace.Allocate(rows, cols);
        values.CopyTo(t.Data);
        return t;
    }

    /// <summary>
    /// Back-propagates from a scalar (1 x 1) <paramref name="loss"/> recorded on this tape: its gradient is set to 1 and
    /// every recorded op, last first, adds its inputs' gradients. Parameter gradients accumulate into what they held.
    /// </summary>
    /// <exception cref="ArgumentException">The loss is not 1 x 1, or it was not produced by an op recorded on this tape since the last reset.</exception>
    public void Backward(Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        if (loss.Rows != 1 || loss.Cols != 1)
        {
            throw new ArgumentException($"Backward needs a scalar loss (1x1), got a {loss.ShapeText} tensor; reduce it with Sum or Mean first.", nameof(loss));
        }

        if (loss.TapeVersion != _version || loss.NodeIndex < 0 || loss.NodeIndex >= _count || !ReferenceEquals(_nodes[loss.NodeIndex].Out, loss))
        {
            throw new ArgumentException(
                "Backward needs a loss recorded on this tape since its last reset; this tensor is a leaf, comes from another tape, " +
                "was computed in inference mode, or the tape was reset after it was made.", nameof(loss));
        }

        loss.Grad[0] = 1.0;
        for (int i = loss.NodeIndex; i >= 0; i--)
        {
            ref Node node = ref _nodes[i];
            switch (node.Op)
            {
                case OpKind.MatMul: BackwardMatMul(ref node); break;
                case OpKind.MatMulTransposeB: BackwardMatMulTransposeB(ref node); break;
                case OpKind.Linear: BackwardLinear(ref node); break;
                case OpKind.AddBias: BackwardAddBias(ref node); break;
                case OpKind.Add: BackwardAdd(ref node); break;
                case OpKind.Sub: BackwardSub(ref node); break;
                case OpKind.Mul: BackwardMul(ref node); break;
                case OpKind.Div: BackwardDiv(ref node); break;
                case OpKind.Scale: BackwardScale(ref node); break;
                case OpKind.AddScalar: BackwardAddScalar(ref node); break;
                case OpKind.Square: BackwardSquare(ref node); break;
                case OpKind.Tanh: BackwardTanh(ref node); break;
                case OpKind.Relu: BackwardRelu(ref node); break;
                case OpKind.Exp: BackwardExp(ref node); break;
                case OpKind.Log: BackwardLog(ref node); break;
                case OpKind.Clamp: BackwardClamp(ref node); break;
                case OpKind.Minimum: BackwardMinMax(ref node, minimum: true); break;
                case OpKind.Maximum: BackwardMinMax(ref node, minimum: false); break;
                case OpKind.Sum: BackwardSum(ref node, mean: false); break;
                case OpKind.Mean: BackwardSum(ref node, mean: true); break;
                case OpKind.SumRows: BackwardSumRows(ref node, mean: false); break;
                case OpKind.MeanRows: BackwardSumRows(ref node, mean: true); break;
                case OpKind.LogSoftmax: BackwardLogSoftmax(ref node); break;
                case OpKind.Gather: BackwardGather(ref node); break;
                case OpKind.CategoricalLogProb: BackwardCategoricalLogProb(ref node); break;
                case OpKind.CategoricalEntropy: BackwardCategoricalEntropy(ref node); break;
                case OpKind.GaussianLogProb: BackwardGaussianLogProb(ref node); break;
                case OpKind.GaussianEntropy: BackwardGaussianEntropy(ref node); break;
                case OpKind.ClippedSurrogateLoss: BackwardClippedSurrogateLoss(ref node); break;
                case OpKind.Mse: BackwardMse(ref node); break;
                case OpKind.MvnLogProb: BackwardMvnLogProb(ref node); break;
                case OpKind.MvnEntropy: BackwardMvnEntropy(ref node); break;
                default: throw new InvalidOperationException($"No backward rule for {node.Op}.");
            }
        }
    }

    /// <summary>Allocates an op's output; it requires a gradient only when recording and some input does.</summary>
    /// <remarks>Every op writes all of its output, so the values are not cleared first.</remarks>
    private Tensor Output(int rows, int cols, bool anyInputRequiresGrad) =>
        Workspace.Allocate(rows, cols, withGrad: IsRecording && anyInputRequiresGrad, zeroValues: false);

    /// <summary>Appends a node for <paramref name="output"/> when it takes part in differentiation.</summary>
    private void Record(OpKind op, Tensor output, Tensor? a, Tensor? b = null, Tensor? c = null, Tensor? d = null, double s0 = 0, double s1 = 0)
    {
        if (!output.RequiresGrad)
        {
            return;
        }

        if (_count == _nodes.Length)
        {
            Array.Resize(ref _nodes, _nodes.Length * 2);
        }

        output.NodeIndex = _count;
        output.TapeVersion = _version;
        _nodes[_count++] = new Node { Op = op, Out = output, A = a, B = b, C = c, D = d, S0 = s0, S1 = s1 };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Needs(Tensor? t) => t is not null && t.RequiresGrad;

    private static void SameShape(string op, Tensor a, Tensor b)
    {
        if (a.Rows != b.Rows || a.Cols != b.Cols)
        {
            throw new ArgumentException($"{op} needs tensors of the same shape, got {a.ShapeText} and {b.ShapeText}.");
        }
    }

    private static void Column(string op, string what, Tensor t, int rows)
    {
        if (t.Rows != rows || t.Cols != 1)
        {
            throw new ArgumentException($"{op} needs {what} of shape [{rows}x1], got {t.ShapeText}.");
        }
    }
}
