using System.Globalization;

namespace Tensorless.Rl.Reports;

/// <summary>
/// A run's <c>metrics.csv</c> read back as numeric columns (one row per update); empty or non-numeric cells are NaN.
/// Reports and sweep summaries read curves through it.
/// </summary>
public sealed class MetricsTable
{
    private readonly Dictionary<string, double[]> _columns;

    private MetricsTable(IReadOnlyList<string> names, Dictionary<string, double[]> columns, int rows)
    {
        Names = names;
        _columns = columns;
        RowCount = rows;
    }

    /// <summary>Column names in file order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>Number of data rows.</summary>
    public int RowCount { get; }

    /// <summary>A column's values, or null when the file has no such column.</summary>
    /// <param name="name">Column name, e.g. <c>episode_return_mean</c>.</param>
    /// <returns>The values, NaN where a cell is empty.</returns>
    public double[]? Column(string name) => _columns.GetValueOrDefault(name);

    /// <summary>Reads <paramref name="path"/>; a missing file gives an empty table.</summary>
    /// <param name="path">Path of a metrics.csv.</param>
    /// <returns>The table.</returns>
    public static MetricsTable Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return File.Exists(path) ? Parse(File.ReadAllText(path)) : new MetricsTable([], [], 0);
    }

    /// <summary>Parses CSV text with a header row.</summary>
    /// <param name="csv">The text.</param>
    /// <returns>The table.</returns>
    public static MetricsTable Parse(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        string[] lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return new MetricsTable([], [], 0);
        }

        string[] names = lines[0].Split(',');
        var values = names.Select(_ => new double[lines.Length - 1]).ToArray();
        for (int r = 1; r < lines.Length; r++)
        {
            string[] cells = lines[r].Split(',');
            for (int c = 0; c < names.Length; c++)
            {
                values[c][r - 1] = c < cells.Length && double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN;
            }
        }

        var columns = new Dictionary<string, double[]>(StringComparer.Ordinal);
        for (int c = 0; c < names.Length; c++)
        {
            columns.TryAdd(names[c], values[c]);
        }

        return new MetricsTable(names, columns, lines.Length - 1);
    }
}
