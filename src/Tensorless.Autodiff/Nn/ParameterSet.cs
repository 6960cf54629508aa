using System.Collections;

namespace Tensorless.Autodiff.Nn;

/// <summary>
/// An ordered list of uniquely named parameters, each with the shape it has in a checkpoint (PyTorch's shape: a
/// <c>Linear</c> bias is stored 1 x n here but is the 1-D <c>[n]</c> in PyTorch). Optimizers, gradient clipping and
/// checkpoints all take this list, so one order serves them all. Indexing and the struct enumerator do not allocate.
/// </summary>
public sealed class ParameterSet : IReadOnlyList<Parameter>
{
    private readonly List<Parameter> _items = [];
    private readonly List<int[]> _shapes = [];
    private readonly Dictionary<string, int> _byName = new(StringComparer.Ordinal);

    /// <summary>Creates an empty set.</summary>
    public ParameterSet()
    {
    }

    /// <summary>
    /// Creates a set holding <paramref name="parameters"/> in order: a <see cref="ParameterSet"/> keeps its checkpoint
    /// shapes (so a copied module still saves its biases 1-D), any other sequence gets each parameter's 2-D shape.
    /// </summary>
    /// <exception cref="ArgumentException">Two parameters share a name.</exception>
    public ParameterSet(IEnumerable<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters is ParameterSet set)
        {
            AddRange(set);
            return;
        }

        foreach (var p in parameters)
        {
            Add(p);
        }
    }

    /// <summary>Number of parameters (tensors, not scalars).</summary>
    public int Count => _items.Count;

    /// <summary>Total number of scalars over all parameters.</summary>
    public int TotalLength { get; private set; }

    /// <summary>The parameter at <paramref name="index"/>.</summary>
    public Parameter this[int index] => _items[index];

    /// <summary>The parameter called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">No parameter has that name.</exception>
    public Parameter this[string name] => TryGet(name, out var p)
        ? p
        : throw new KeyNotFoundException($"No parameter is named '{name}'.");

    /// <summary>Adds a parameter whose checkpoint shape is its 2-D shape <c>[rows, cols]</c>.</summary>
    /// <exception cref="ArgumentException">The name is already taken.</exception>
    public void Add(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        Add(parameter, [parameter.Rows, parameter.Cols]);
    }

    /// <summary>Adds a 1 x n parameter that is the 1-D tensor <c>[n]</c> in a checkpoint (a PyTorch bias or log-std).</summary>
    /// <exception cref="ArgumentException">The parameter has more than one row, or the name is already taken.</exception>
    public void AddVector(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (parameter.Rows != 1)
        {
            throw new ArgumentException($"Only a 1 x n parameter can be stored as a vector; '{parameter}' has {parameter.Rows} rows.", nameof(parameter));
        }

        Add(parameter, [parameter.Cols]);
    }

    /// <summary>Adds a parameter with an explicit checkpoint shape whose element count equals the parameter's.</summary>
    /// <exception cref="ArgumentException">The shape has a negative dimension or a different element count, or the name is taken.</exception>
    public void Add(Parameter parameter, ReadOnlySpan<int> checkpointShape)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        long count = 1;
        foreach (int d in checkpointShape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"Checkpoint shape of '{parameter.Name}' has a negative dimension {d}.", nameof(checkpointShape));
            }

            count *= d;
            if (count > parameter.Length)
            {
                break;
            }
        }

        if (count != parameter.Length)
        {
            throw new ArgumentException(
                $"Checkpoint shape [{string.Join(", ", checkpointShape.ToArray())}] of '{parameter.Name}' does not hold its {parameter.Length} values.",
                nameof(checkpointShape));
        }

        if (!_byName.TryAdd(parameter.Name, _items.Count))
        {
            throw new ArgumentException($"Parameter names must be unique; '{parameter.Name}' is already in the set.", nameof(parameter));
        }

        _items.Add(parameter);
        _shapes.Add(checkpointShape.ToArray());
        TotalLength = checked(TotalLength + parameter.Length);
    }

    /// <summary>Adds every parameter of <paramref name="other"/> (a sub-module), keeping its checkpoint shapes.</summary>
    /// <exception cref="ArgumentException">A name is already taken.</exception>
    public void AddRange(ParameterSet other)
    {
        ArgumentNullException.ThrowIfNull(other);
        for (int i = 0; i < other.Count; i++)
        {
            Add(other._items[i], other._shapes[i]);
        }
    }

    /// <summary>Looks a parameter up by name.</summary>
    public bool TryGet(string name, [System.Diagnostics.CodeAnalysis.MaybeNullWhen(false)] out Parameter parameter)
    {
        if (_byName.TryGetValue(name, out int i))
        {
            parameter = _items[i];
            return true;
        }

        parameter = null;
        return false;
    }

    /// <summary>The shape of parameter <paramref name="index"/> in a checkpoint (PyTorch's shape).</summary>
    public IReadOnlyList<int> CheckpointShape(int index) => _shapes[index];

    /// <summary>Copies every parameter's values, in order, into <paramref name="destination"/> (length <see cref="TotalLength"/>).</summary>
    /// <exception cref="ArgumentException">The destination length is not <see cref="TotalLength"/>.</exception>
    public void CopyValuesTo(Span<double> destination)
    {
        CheckFlat(destination.Length, nameof(destination));
        int offset = 0;
        foreach (var p in _items)
        {
            p.Data.CopyTo(destination.Slice(offset, p.Length));
            offset += p.Length;
        }
    }

    /// <summary>Overwrites every parameter's values, in order, from <paramref name="source"/> (length <see cref="TotalLength"/>).</summary>
    /// <exception cref="ArgumentException">The source length is not <see cref="TotalLength"/>.</exception>
    public void CopyValuesFrom(ReadOnlySpan<double> source)
    {
        CheckFlat(source.Length, nameof(source));
        int offset = 0;
        foreach (var p in _items)
        {
            source.Slice(offset, p.Length).CopyTo(p.Data);
            offset += p.Length;
        }
    }

    /// <summary>Copies every parameter's gradient, in order, into <paramref name="destination"/> (length <see cref="TotalLength"/>).</summary>
    /// <exception cref="ArgumentException">The destination length is not <see cref="TotalLength"/>.</exception>
    public void CopyGradsTo(Span<double> destination)
    {
        CheckFlat(destination.Length, nameof(destination));
        int offset = 0;
        foreach (var p in _items)
        {
            p.Grad.CopyTo(destination.Slice(offset, p.Length));
            offset += p.Length;
        }
    }

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad()
    {
        foreach (var p in _items)
        {
            p.ZeroGrad();
        }
    }

    /// <summary>
    /// Ties every parameter of this set to the same-named parameter of <paramref name="source"/>: it then reads and writes
    /// the source's values but keeps its own gradient buffer. A module built twice from the same options and tied this
    /// way is a data-parallel replica: another thread can run forward and backward on it, and its gradients are added to
    /// the source's before the optimizer steps.
    /// </summary>
    /// <exception cref="ArgumentException">A name is missing from <paramref name="source"/> or the shapes differ.</exception>
    public void ShareValuesWith(ParameterSet source)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (source.Count != Count)
        {
            throw new ArgumentException($"Cannot tie {Count} parameters to a set of {source.Count}.", nameof(source));
        }

        foreach (var p in _items)
        {
            if (!source.TryGet(p.Name, out var s))
            {
                throw new ArgumentException($"Parameter '{p.Name}' has no counterpart in the source set.", nameof(source));
            }

            p.Value.ShareValues(s.Value);
        }
    }

    /// <summary>An allocation-free enumerator over the parameters in order.</summary>
    public List<Parameter>.Enumerator GetEnumerator() => _items.GetEnumerator();

    IEnumerator<Parameter> IEnumerable<Parameter>.GetEnumerator() => _items.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _items.GetEnumerator();

    private void CheckFlat(int length, string name)
    {
        if (length != TotalLength)
        {
            throw new ArgumentException($"The flat buffer must hold all {TotalLength} parameter values, got {length}.", name);
        }
    }
}
