using System.Text;

namespace Tensorless.Rl.Metrics;

/// <summary>
/// Writes metrics as CSV (RFC 4180): a header row from the first record's names, then one row per record, invariant
/// culture, doubles in shortest round-trip form (<c>NaN</c>, <c>Infinity</c> and <c>-Infinity</c> for non-finite
/// values, which pandas and Python's <c>float</c> read back). A later record may leave a column out (an empty
/// cell) but may not add one. Each row is flushed, so a crash loses at most the row being written.
/// </summary>
public sealed class CsvMetricsWriter : IMetricsWriter
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly StringBuilder _line = new();
    private string[]? _columns;
    private readonly Dictionary<string, int> _columnIndex = new(StringComparer.Ordinal);
    private readonly string?[] _noCells = [];

    /// <summary>Writes to <paramref name="writer"/>.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="writer"/> open.</param>
    /// <param name="existingColumns">
    /// The header of a file being appended to (a resumed run): no header is written and records must fit these columns.
    /// </param>
    public CsvMetricsWriter(TextWriter writer, bool leaveOpen = false, IReadOnlyList<string>? existingColumns = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _ownsWriter = !leaveOpen;
        if (existingColumns is not null)
        {
            _columns = [.. existingColumns];
            for (int i = 0; i < _columns.Length; i++)
            {
                _columnIndex[_columns[i]] = i;
            }
        }
    }

    /// <summary>Creates (or overwrites) the file at <paramref name="path"/>, UTF-8 without a byte-order mark.</summary>
    /// <param name="path">File path; its directory must exist.</param>
    public CsvMetricsWriter(string path)
        : this(new StreamWriter(path, append: false, new UTF8Encoding(false)), leaveOpen: false)
    {
    }

    /// <summary>The header's column names, once the first record has been written.</summary>
    public IReadOnlyList<string>? Columns => _columns;

    /// <inheritdoc/>
    /// <exception cref="InvalidOperationException">The record has a name that is not a column of the header.</exception>
    public void Write(MetricsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_columns is null)
        {
            _columns = new string[record.Count];
            for (int i = 0; i < record.Count; i++)
            {
                _columns[i] = record.Fields[i].Key;
                _columnIndex[_columns[i]] = i;
            }

            WriteRow(_columns);
        }

        string?[] cells = _columns.Length == 0 ? _noCells : new string?[_columns.Length];
        foreach ((string name, MetricValue value) in record.Fields)
        {
            if (!_columnIndex.TryGetValue(name, out int column))
            {
                throw new InvalidOperationException(
                    $"Metric '{name}' is not a column of this CSV file (columns: {string.Join(", ", _columns)}); the header is fixed by the first record.");
            }

            cells[column] = value.ToString();
        }

        WriteRow(cells);
    }

    /// <inheritdoc/>
    public void Flush() => _writer.Flush();

    /// <inheritdoc/>
    public void Dispose()
    {
        _writer.Flush();
        if (_ownsWriter)
        {
            _writer.Dispose();
        }
    }

    private void WriteRow(IReadOnlyList<string?> cells)
    {
        _line.Clear();
        for (int i = 0; i < cells.Count; i++)
        {
            if (i > 0)
            {
                _line.Append(',');
            }

            AppendCell(cells[i] ?? string.Empty);
        }

        _line.Append('\n');
        _writer.Write(_line);
        _writer.Flush();
    }

    private void AppendCell(string cell)
    {
        if (cell.AsSpan().IndexOfAny(",\"\r\n") < 0)
        {
            _line.Append(cell);
            return;
        }

        _line.Append('"').Append(cell.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
    }
}
