using Tensorless.Rl.Metrics;

namespace Tensorless.Rl.Training;

/// <summary>
/// Writes every update's metrics to <c>metrics.csv</c> and <c>metrics.jsonl</c> in a run directory, flushing after each
/// row so an interrupted run keeps what it measured.
/// </summary>
public sealed class MetricsFileCallback : ITrainingCallback, IDisposable
{
    private readonly CsvMetricsWriter _csv;
    private readonly JsonLinesMetricsWriter _jsonl;

    /// <summary>
    /// Creates (or truncates) the two files in <paramref name="directory"/>, creating the directory if needed. With
    /// <paramref name="append"/> (a resumed run) rows are added to existing files under their existing CSV header.
    /// </summary>
    public MetricsFileCallback(string directory, bool append = false)
    {
        Directory.CreateDirectory(directory);
        string csvPath = Path.Combine(directory, "metrics.csv");
        string[]? columns = null;
        if (append && File.Exists(csvPath))
        {
            string? header = File.ReadLines(csvPath).FirstOrDefault();
            columns = string.IsNullOrEmpty(header) ? null : header.Split(',');
        }

        var utf8 = new System.Text.UTF8Encoding(false);
        _csv = new CsvMetricsWriter(new StreamWriter(csvPath, append, utf8), existingColumns: columns);
        _jsonl = new JsonLinesMetricsWriter(new StreamWriter(Path.Combine(directory, "metrics.jsonl"), append, utf8));
    }

    /// <inheritdoc />
    public bool OnUpdate(TrainingProgress progress, MetricsRecord metrics)
    {
        _csv.Write(metrics);
        _csv.Flush();
        _jsonl.Write(metrics);
        _jsonl.Flush();
        return true;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _csv.Dispose();
        _jsonl.Dispose();
    }
}
