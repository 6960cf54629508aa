namespace Tensorless.Rl.Metrics;

/// <summary>
/// One row of training metrics: an ordered list of (name, value) pairs. Names keep the order in which they were
/// first set; setting a name again replaces its value in place. The list is open: algorithms add their own names
/// after the standard ones.
/// </summary>
public sealed class MetricsRecord
{
    private readonly List<KeyValuePair<string, MetricValue>> _fields = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    /// <summary>The fields, in order.</summary>
    public IReadOnlyList<KeyValuePair<string, MetricValue>> Fields => _fields;

    /// <summary>Number of fields.</summary>
    public int Count => _fields.Count;

    /// <summary>The value of <paramref name="name"/>.</summary>
    /// <param name="name">A field name.</param>
    /// <exception cref="KeyNotFoundException">The record has no such field.</exception>
    public MetricValue this[string name] =>
        _index.TryGetValue(name, out int i) ? _fields[i].Value : throw new KeyNotFoundException($"No metric named '{name}'.");

    /// <summary>
    /// A record holding every name of <see cref="MetricNames.Standard"/> in order: <c>update</c>, <c>env_steps</c> and
    /// <c>episodes</c> as 0, the others as NaN (unmeasured), so that every row of a run has the same columns.
    /// </summary>
    /// <returns>The record.</returns>
    public static MetricsRecord CreateStandard()
    {
        var record = new MetricsRecord();
        foreach (string name in MetricNames.Standard)
        {
            if (name is MetricNames.Update or MetricNames.EnvSteps or MetricNames.Episodes)
            {
                record.Set(name, 0L);
            }
            else
            {
                record.Set(name, double.NaN);
            }
        }

        return record;
    }

    /// <summary>
    /// Resets every field's value in place, keeping names, order and kinds: integers to 0, doubles to NaN (unmeasured),
    /// strings to empty. Lets a training loop reuse one record per update without allocating.
    /// </summary>
    public void Clear()
    {
        for (int i = 0; i < _fields.Count; i++)
        {
            var (name, value) = _fields[i];
            var reset = value.Kind switch
            {
                MetricKind.Long => MetricValue.FromLong(0),
                MetricKind.String => MetricValue.FromString(string.Empty),
                _ => MetricValue.FromDouble(double.NaN),
            };
            _fields[i] = new(name, reset);
        }
    }

    /// <summary>Sets a double field.</summary>
    /// <param name="name">Field name (non-empty).</param>
    /// <param name="value">The value.</param>
    /// <returns>This record, for chaining.</returns>
    public MetricsRecord Set(string name, double value) => Set(name, MetricValue.FromDouble(value));

    /// <summary>Sets an integer field.</summary>
    /// <param name="name">Field name (non-empty).</param>
    /// <param name="value">The value.</param>
    /// <returns>This record, for chaining.</returns>
    public MetricsRecord Set(string name, long value) => Set(name, MetricValue.FromLong(value));

    /// <summary>Sets a string field.</summary>
    /// <param name="name">Field name (non-empty).</param>
    /// <param name="value">The value (not null).</param>
    /// <returns>This record, for chaining.</returns>
    public MetricsRecord Set(string name, string value) => Set(name, MetricValue.FromString(value));

    /// <summary>Sets a field.</summary>
    /// <param name="name">Field name (non-empty).</param>
    /// <param name="value">The value.</param>
    /// <returns>This record, for chaining.</returns>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null or empty.</exception>
    public MetricsRecord Set(string name, MetricValue value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (_index.TryGetValue(name, out int i))
        {
            _fields[i] = new(name, value);
        }
        else
        {
            _index.Add(name, _fields.Count);
            _fields.Add(new(name, value));
        }

        return this;
    }

    /// <summary>Looks up a field.</summary>
    /// <param name="name">Field name.</param>
    /// <param name="value">The value when found.</param>
    /// <returns>Whether the record has the field.</returns>
    public bool TryGet(string name, out MetricValue value)
    {
        if (_index.TryGetValue(name, out int i))
        {
            value = _fields[i].Value;
            return true;
        }

        value = default;
        return false;
    }
}
