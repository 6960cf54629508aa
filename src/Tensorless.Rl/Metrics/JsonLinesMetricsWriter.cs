using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Tensorless.Rl.Metrics;

/// <summary>
/// Writes metrics as JSON lines: one object per record, fields in record order, doubles in shortest round-trip
/// form, non-finite doubles (NaN, infinities) as <c>null</c> since JSON has no such numbers. Each line is flushed.
/// </summary>
public sealed class JsonLinesMetricsWriter : IMetricsWriter
{
    private readonly TextWriter _writer;
    private readonly bool _ownsWriter;
    private readonly ArrayBufferWriter<byte> _buffer = new();

    /// <summary>Writes to <paramref name="writer"/>.</summary>
    /// <param name="writer">Destination.</param>
    /// <param name="leaveOpen">Whether <see cref="Dispose"/> leaves <paramref name="writer"/> open.</param>
    public JsonLinesMetricsWriter(TextWriter writer, bool leaveOpen = false)
    {
        ArgumentNullException.ThrowIfNull(writer);
        _writer = writer;
        _ownsWriter = !leaveOpen;
    }

    /// <summary>Creates (or overwrites) the file at <paramref name="path"/>, UTF-8 without a byte-order mark.</summary>
    /// <param name="path">File path; its directory must exist.</param>
    public JsonLinesMetricsWriter(string path)
        : this(new StreamWriter(path, append: false, new UTF8Encoding(false)), leaveOpen: false)
    {
    }

    /// <inheritdoc/>
    public void Write(MetricsRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        _buffer.Clear();
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            foreach ((string name, MetricValue value) in record.Fields)
            {
                switch (value.Kind)
                {
                    case MetricKind.Double when double.IsFinite(value.Double):
                        json.WriteNumber(name, value.Double);
                        break;
                    case MetricKind.Double:
                        json.WriteNull(name);
                        break;
                    case MetricKind.Long:
                        json.WriteNumber(name, value.Long);
                        break;
                    default:
                        json.WriteString(name, value.String);
                        break;
                }
            }

            json.WriteEndObject();
        }

        _writer.Write(Encoding.UTF8.GetString(_buffer.WrittenSpan));
        _writer.Write('\n');
        _writer.Flush();
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
}
