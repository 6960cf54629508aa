namespace Tensorless.Autodiff;

/// <summary>
/// An arena that hands out intermediate tensors (values and, when needed, gradients) and takes them all back at
/// <see cref="Reset"/>. Storage grows during the first iterations and is then reused, so a steady-state training step
/// that asks for the same tensors in the same order allocates nothing.
/// </summary>
public sealed class Workspace
{
    private const int MinChunk = 1 << 16;
    private readonly List<double[]> _chunks = [];
    private readonly List<Tensor> _tensors = [];
    private int _chunk;
    private int _cursor;
    private int _tensorCursor;

    /// <summary>Total doubles of storage held across all chunks.</summary>
    public long Capacity
    {
        get
        {
            long total = 0;
            foreach (var c in _chunks)
            {
                total += c.Length;
            }

            return total;
        }
    }

    /// <summary>Number of tensors handed out since the last reset.</summary>
    public int Count => _tensorCursor;

    /// <summary>Returns a rows x cols tensor whose values are zero; with <paramref name="withGrad"/> it has a zeroed gradient.</summary>
    /// <exception cref="ArgumentException">A dimension is not positive.</exception>
    public Tensor Allocate(int rows, int cols, bool withGrad = false) => Allocate(rows, cols, withGrad, zeroValues: true);

    /// <summary>
    /// Like <see cref="Allocate(int, int, bool)"/>, but with <paramref name="zeroValues"/> false the values keep whatever an
    /// earlier step left there: for op outputs that are written in full, so the arena is not cleared twice. Gradients are
    /// always zeroed, since backward rules add into them.
    /// </summary>
    internal Tensor Allocate(int rows, int cols, bool withGrad, bool zeroValues)
    {
        Tensor.CheckShape(rows, cols);
        int length = rows * cols;
        var (data, offset) = Take(length);
        if (zeroValues)
        {
            data.AsSpan(offset, length).Clear();
        }

        double[]? grad = null;
        int gradOffset = 0;
        if (withGrad)
        {
            (grad, gradOffset) = Take(length);
            grad.AsSpan(gradOffset, length).Clear();
        }

        Tensor t;
        if (_tensorCursor < _tensors.Count)
        {
            t = _tensors[_tensorCursor];
        }
        else
        {
            t = new Tensor();
            _tensors.Add(t);
        }

        _tensorCursor++;
        t.Attach(rows, cols, data, offset, grad, gradOffset);
        return t;
    }

    /// <summary>Takes back every tensor handed out; their storage is reused by the next allocations.</summary>
    public void Reset()
    {
        _chunk = 0;
        _cursor = 0;
        _tensorCursor = 0;
    }

    private (double[] Data, int Offset) Take(int length)
    {
        while (_chunk < _chunks.Count)
        {
            var current = _chunks[_chunk];
            if (_cursor + length <= current.Length)
            {
                int offset = _cursor;
                _cursor += length;
                return (current, offset);
            }

            _chunk++;
            _cursor = 0;
        }

        long last = _chunks.Count == 0 ? MinChunk : _chunks[^1].Length;
        int size = (int)Math.Min(Array.MaxLength, Math.Max(length, Math.Max(MinChunk, last * 2)));
        _chunks.Add(new double[size]);
        _chunk = _chunks.Count - 1;
        _cursor = length;
        return (_chunks[_chunk], 0);
    }
}
