namespace Tensorless.Autodiff;

/// <summary>The operations a <see cref="Tape"/> records; each has one forward and one backward rule.</summary>
internal enum OpKind : byte
{
    MatMul,
    MatMulTransposeB,
    Linear,
    AddBias,
    Add,
    Sub,
    Mul,
    Div,
    Scale,
    AddScalar,
    Square,
    Tanh,
    Relu,
    Exp,
    Log,
    Clamp,
    Minimum,
    Maximum,
    Sum,
    Mean,
    SumRows,
    MeanRows,
    LogSoftmax,
    Gather,
    CategoricalLogProb,
    CategoricalEntropy,
    GaussianLogProb,
    GaussianEntropy,
    ClippedSurrogateLoss,
    Mse,
    MvnLogProb,
    MvnEntropy,
}

/// <summary>One recorded op: its kind, inputs, output, and the scalars its backward needs. Stored by value in reused storage.</summary>
internal struct Node
{
    public OpKind Op;
    public Tensor Out;
    public Tensor? A;
    public Tensor? B;
    public Tensor? C;
    public Tensor? D;
    public double S0;
    public double S1;
}
