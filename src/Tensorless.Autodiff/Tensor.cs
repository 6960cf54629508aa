namespace Tensorless.Autodiff;

/// <summary>
/// A dense, row-major matrix of doubles (rank 1 data is a 1 x n or n x 1 matrix). A tensor is a view over storage that it
/// either owns (parameters, user data) or borrows from a <see cref="Workspace"/> (intermediates, valid until the workspace
/// is reset). Tensors that require a gradient carry a gradient buffer of the same shape.
/// </summary>
public sealed class Tensor
{
    private double[] _data;
    private int _offset;
    private double[]? _grad;
    private int _gradOffset;

    /// <summary>Creates a zero-filled tensor that owns its storage and needs no gradient.</summary>
    /// <exception cref="ArgumentException">A dimension is not positive.</exception>
    public Tensor(int rows, int cols)
        : this(rows, cols, requiresGrad: false)
    {
    }

    /// <summary>Creates a tensor that owns its storage (and a gradient buffer when <paramref name="requiresGrad"/>).</summary>
    /// <exception cref="ArgumentException">A dimension is not positive.</exception>
    public Tensor(int rows, int cols, bool requiresGrad)
    {
        CheckShape(rows, cols);
        Rows = rows;
        Cols = cols;
        _data = new double[rows * cols];
        if (requiresGrad)
        {
            _grad = new double[rows * cols];
        }

        RequiresGrad = requiresGrad;
    }

    /// <summary>Creates a workspace-backed tensor; storage is attached by <see cref="Attach"/>.</summary>
    internal Tensor()
    {
        _data = [];
    }

    /// <summary>Creates a tensor from a copy of <paramref name="values"/> laid out row-major as rows x cols.</summary>
    /// <exception cref="ArgumentException">The value count is not rows x cols, or a dimension is not positive.</exception>
    public static Tensor FromValues(int rows, int cols, ReadOnlySpan<double> values, bool requiresGrad = false)
    {
        var t = new Tensor(rows, cols, requiresGrad);
        if (values.Length != rows * cols)
        {
            throw new ArgumentException($"A {rows}x{cols} tensor needs {rows * cols} values, got {values.Length}.", nameof(values));
        }

        values.CopyTo(t.Data);
        return t;
    }

    /// <summary>Number of rows (the batch dimension for activations).</summary>
    public int Rows { get; private set; }

    /// <summary>Number of columns (features).</summary>
    public int Cols { get; private set; }

    /// <summary>Number of elements, <c>Rows * Cols</c>.</summary>
    public int Length => Rows * Cols;

    /// <summary>True when gradients flow into this tensor during <see cref="Tape.Backward"/>.</summary>
    public bool RequiresGrad { get; private set; }

    /// <summary>The values, row-major.</summary>
    public Span<double> Data => _data.AsSpan(_offset, Rows * Cols);

    /// <summary>The gradient, row-major, same shape as the values.</summary>
    /// <exception cref="InvalidOperationException">The tensor does not require a gradient.</exception>
    public Span<double> Grad => _grad is null
        ? throw new InvalidOperationException($"This {Rows}x{Cols} tensor does not require a gradient, so it has none.")
        : _grad.AsSpan(_gradOffset, Rows * Cols);

    /// <summary>The shape as text, e.g. <c>[16x64]</c>, for error messages.</summary>
    public string ShapeText => $"[{Rows}x{Cols}]";

    /// <summary>Element (row, col).</summary>
    public double this[int row, int col]
    {
        get => _data[_offset + Index(row, col)];
        set => _data[_offset + Index(row, col)] = value;
    }

    /// <summary>The tape node that produced this tensor (-1 for leaves), valid while <see cref="TapeVersion"/> matches.</summary>
    internal int NodeIndex { get; set; } = -1;

    /// <summary>The tape recording generation this tensor was produced in (0 for leaves).</summary>
    internal long TapeVersion { get; set; }

    /// <summary>Points a workspace tensor at new storage and resets its tape identity.</summary>
    internal void Attach(int rows, int cols, double[] data, int offset, double[]? grad, int gradOffset)
    {
        Rows = rows;
        Cols = cols;
        _data = data;
        _offset = offset;
        _grad = grad;
        _gradOffset = gradOffset;
        RequiresGrad = grad is not null;
        NodeIndex = -1;
        TapeVersion = 0;
    }

    /// <summary>
    /// Makes this tensor read and write the values of <paramref name="source"/> (same shape) while keeping its own gradient
    /// buffer: the basis of data-parallel replicas, which share weights but accumulate gradients separately.
    /// </summary>
    internal void ShareValues(Tensor source)
    {
        if (source.Rows != Rows || source.Cols != Cols)
        {
            throw new ArgumentException($"Cannot share values of a {source.ShapeText} tensor with a {ShapeText} one.", nameof(source));
        }

        _data = source._data;
        _offset = source._offset;
    }

    /// <summary>Zeroes the gradient buffer, if any.</summary>
    public void ZeroGrad()
    {
        if (_grad is not null)
        {
            Grad.Clear();
        }
    }

    /// <summary>Copies the values into a new array (row-major).</summary>
    public double[] ToArray() => Data.ToArray();

    /// <inheritdoc />
    public override string ToString() => $"Tensor{ShapeText}";

    private int Index(int row, int col)
    {
        if ((uint)row >= (uint)Rows || (uint)col >= (uint)Cols)
        {
            throw new ArgumentOutOfRangeException(nameof(row), $"Index ({row}, {col}) is outside a {Rows}x{Cols} tensor.");
        }

        return row * Cols + col;
    }

    internal static void CheckShape(int rows, int cols)
    {
        if (rows <= 0 || cols <= 0)
        {
            throw new ArgumentException($"Tensor dimensions must be positive, got {rows}x{cols}.");
        }
    }
}
