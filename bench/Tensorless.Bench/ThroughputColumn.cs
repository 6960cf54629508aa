using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Tensorless.Bench;

/// <summary>
/// A summary column that divides the work one invocation does (flops, samples) by its mean time, so GEMM rows read in
/// GFLOP/s and training rows in samples/s beside the peak and the PyTorch figures. The work is computed from the case's
/// [Params], which <c>OperationsPerInvoke</c> (a constant) cannot express.
/// </summary>
public sealed class ThroughputColumn(string name, double unitScale, Func<BenchmarkCase, double> workPerInvoke) : IColumn
{
    /// <summary>Reads an int [Params] value of a benchmark case by name.</summary>
    public static int Param(BenchmarkCase benchmarkCase, string name) => Convert.ToInt32(benchmarkCase.Parameters[name]);

    /// <inheritdoc />
    public string Id => $"{nameof(ThroughputColumn)}.{name}";

    /// <inheritdoc />
    public string ColumnName => name;

    /// <inheritdoc />
    public bool AlwaysShow => true;

    /// <inheritdoc />
    public ColumnCategory Category => ColumnCategory.Custom;

    /// <inheritdoc />
    public int PriorityInCategory => 0;

    /// <inheritdoc />
    public bool IsNumeric => true;

    /// <inheritdoc />
    public UnitType UnitType => UnitType.Dimensionless;

    /// <inheritdoc />
    public string Legend => $"{name}: work per invocation / mean time";

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, SummaryStyle.Default);

    /// <inheritdoc />
    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var stats = summary[benchmarkCase]?.ResultStatistics;
        if (stats is null || stats.Mean <= 0)
        {
            return "-";
        }

        double perSecond = workPerInvoke(benchmarkCase) / (stats.Mean * 1e-9);
        return (perSecond / unitScale).ToString("N2", System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    /// <inheritdoc />
    public bool IsAvailable(Summary summary) => true;
}
