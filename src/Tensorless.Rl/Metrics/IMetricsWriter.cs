namespace Tensorless.Rl.Metrics;

/// <summary>A sink for <see cref="MetricsRecord"/> rows (CSV, JSON lines, console).</summary>
public interface IMetricsWriter : IDisposable
{
    /// <summary>Writes one record.</summary>
    /// <param name="record">The record.</param>
    void Write(MetricsRecord record);

    /// <summary>Flushes buffered output.</summary>
    void Flush();
}
