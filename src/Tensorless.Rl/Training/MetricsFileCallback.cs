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

    /// <summary>
    /// Cuts <c>metrics.csv</c> and <c>metrics.jsonl</c> in <paramref name="directory"/> back to the rows of updates
    /// 1..<paramref name="updates"/>, so a run resumed from a checkpoint at that update does not repeat the rows its crashed
    /// predecessor wrote after the checkpoint; a torn last line (a crash mid-row) goes too. Missing files are left missing;
    /// each file is replaced atomically.
    /// </summary>
    /// <param name="directory">The run directory.</param>
    /// <param name="updates">The checkpoint's update count: rows with a larger <c>update</c> are dropped.</param>
    /// <exception cref="IOException">A file cannot be read or rewritten.</exception>
    public static void TrimToUpdate(string directory, long updates)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string csvPath = Path.Combine(directory, "metrics.csv");
        if (File.Exists(csvPath))
        {
            var lines = CompleteLines(csvPath);
            int column = lines.Count > 0 ? Array.IndexOf(lines[0].Split(','), MetricNames.Update) : -1;
            var kept = new System.Text.StringBuilder();
            for (int i = 0; i < lines.Count; i++)
            {
                string[] cells = lines[i].Split(',');
                if (i == 0 || (column >= 0 && column < cells.Length && long.TryParse(cells[column], System.Globalization.CultureInfo.InvariantCulture, out long u) && u <= updates))
                {
                    kept.Append(lines[i]).Append('\n');
                }
            }

            Checkpoints.AtomicFiles.WriteText(csvPath, kept.ToString());
        }

        string jsonlPath = Path.Combine(directory, "metrics.jsonl");
        if (File.Exists(jsonlPath))
        {
            var kept = new System.Text.StringBuilder();
            foreach (string line in CompleteLines(jsonlPath))
            {
                if (UpdateOf(line) is long u && u <= updates)
                {
                    kept.Append(line).Append('\n');
                }
            }

            Checkpoints.AtomicFiles.WriteText(jsonlPath, kept.ToString());
        }
    }

    /// <summary>The newline-terminated lines of a file (a last line without its newline was torn by a crash).</summary>
    private static List<string> CompleteLines(string path)
    {
        string text = File.ReadAllText(path);
        var lines = new List<string>(text.Split('\n'));
        lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static long? UpdateOf(string jsonLine)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(jsonLine);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && doc.RootElement.TryGetProperty(MetricNames.Update, out var u) && u.TryGetInt64(out long value)
                ? value
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
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
