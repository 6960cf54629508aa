namespace Tensorless.Autodiff;

/// <summary>
/// A named, trainable tensor that owns its value and gradient buffers. Gradients accumulate across
/// <see cref="Tape.Backward"/> calls until <see cref="ZeroGrad"/> is called, as in PyTorch and micrograd.
/// </summary>
public sealed class Parameter
{
    /// <summary>Creates a zero-initialised parameter of the given shape.</summary>
    /// <exception cref="ArgumentException">The name is empty or a dimension is not positive.</exception>
    public Parameter(string name, int rows, int cols)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw new ArgumentException("A parameter needs a non-empty name (e.g. 'actor.0.weight').", nameof(name));
        }

        Name = name;
        Value = new Tensor(rows, cols, requiresGrad: true);
    }

    /// <summary>Dotted name used in checkpoints, e.g. <c>actor.0.weight</c>.</summary>
    public string Name { get; }

    /// <summary>The tensor holding the value and the gradient.</summary>
    public Tensor Value { get; }

    /// <summary>The values, row-major.</summary>
    public Span<double> Data => Value.Data;

    /// <summary>The accumulated gradient, row-major.</summary>
    public Span<double> Grad => Value.Grad;

    /// <summary>Rows of the value.</summary>
    public int Rows => Value.Rows;

    /// <summary>Columns of the value.</summary>
    public int Cols => Value.Cols;

    /// <summary>Number of scalar parameters.</summary>
    public int Length => Value.Length;

    /// <summary>Zeroes the accumulated gradient.</summary>
    public void ZeroGrad() => Value.ZeroGrad();

    /// <summary>Lets a parameter be passed wherever an op takes a tensor.</summary>
    public static implicit operator Tensor(Parameter p) => p.Value;

    /// <inheritdoc />
    public override string ToString() => $"{Name}{Value.ShapeText}";
}
