namespace Tensorless.Rl.Plotting;

/// <summary>The band drawn around a multi-seed mean.</summary>
public enum BandKind
{
    /// <summary>Percentile-bootstrap confidence interval of the mean over seeds (<see cref="Bootstrap"/>).</summary>
    BootstrapCi,

    /// <summary>The smallest and largest seed.</summary>
    MinMax,

    /// <summary>No band.</summary>
    None,
}

/// <summary>One seed's curve: y (e.g. the last-100 mean return) against x (env steps), x ascending.</summary>
/// <param name="X">x values, ascending.</param>
/// <param name="Y">y values.</param>
public sealed record SeedCurve(IReadOnlyList<double> X, IReadOnlyList<double> Y);

/// <summary>One configuration's seeds, drawn as one mean line with a band.</summary>
/// <param name="Label">Legend entry.</param>
/// <param name="Seeds">The seeds' curves.</param>
public sealed record CurveGroup(string Label, IReadOnlyList<SeedCurve> Seeds);

/// <summary>Mean and band of a group on a common x grid.</summary>
/// <param name="X">Grid.</param>
/// <param name="Mean">Mean over the seeds that have started at each x.</param>
/// <param name="Lower">Band's lower edge.</param>
/// <param name="Upper">Band's upper edge.</param>
public sealed record AggregateCurve(double[] X, double[] Mean, double[] Lower, double[] Upper);

/// <summary>Options of <see cref="MultiSeedCurves.WriteSvg"/>.</summary>
public sealed record MultiSeedChartOptions
{
    /// <summary>Title.</summary>
    public string Title { get; init; } = "Mean return over seeds";

    /// <summary>y-axis label.</summary>
    public string YLabel { get; init; } = "mean return of the last 100 episodes";

    /// <summary>Band kind; the 95% bootstrap CI by default.</summary>
    public BandKind Band { get; init; } = BandKind.BootstrapCi;

    /// <summary>Confidence level of the bootstrap band.</summary>
    public double Level { get; init; } = 0.95;

    /// <summary>Bootstrap resamples per grid point.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed of the bootstrap resampling, fixed so a rebuilt chart is identical.</summary>
    public int ResampleSeed { get; init; }

    /// <summary>Points of the common x grid.</summary>
    public int GridPoints { get; init; } = 100;

    /// <summary>Whether each seed is drawn faintly under its group's mean.</summary>
    public bool ShowSeeds { get; init; } = true;
}

/// <summary>
/// Multi-seed learning curves as seed 001 plots them: per configuration, the mean over seeds against env steps with a
/// band, the seeds faintly behind. Seeds are put on a common grid by holding each seed's last value at or before x
/// (a seed that stopped early, e.g. solved, holds its last value); a seed that has not logged yet is left out at that x.
/// </summary>
public static class MultiSeedCurves
{
    /// <summary>A grid of <paramref name="points"/> evenly spaced x values from 0 to the largest x of any seed.</summary>
    /// <param name="seeds">The seeds' curves.</param>
    /// <param name="points">Number of points, at least 2.</param>
    /// <returns>The grid.</returns>
    public static double[] Grid(IEnumerable<SeedCurve> seeds, int points = 100)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        double max = seeds.SelectMany(s => s.X).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        return [.. Enumerable.Range(0, points).Select(i => max * i / (points - 1))];
    }

    /// <summary>The value of one seed at <paramref name="x"/>: its last finite y at or before x, NaN before its first.</summary>
    /// <param name="seed">The seed's curve.</param>
    /// <param name="x">Where.</param>
    /// <returns>The held value.</returns>
    public static double ValueAt(SeedCurve seed, double x)
    {
        ArgumentNullException.ThrowIfNull(seed);
        double value = double.NaN;
        for (int i = 0; i < seed.X.Count && seed.X[i] <= x; i++)
        {
            if (double.IsFinite(seed.Y[i]))
            {
                value = seed.Y[i];
            }
        }

        return value;
    }

    /// <summary>The mean over seeds and its band at each grid point.</summary>
    /// <param name="seeds">The seeds' curves.</param>
    /// <param name="grid">x values.</param>
    /// <param name="band">Band kind.</param>
    /// <param name="level">Bootstrap confidence level.</param>
    /// <param name="resamples">Bootstrap resamples.</param>
    /// <param name="resampleSeed">Bootstrap seed.</param>
    /// <returns>The aggregate; NaN where no seed has a value.</returns>
    public static AggregateCurve Aggregate(IReadOnlyList<SeedCurve> seeds, double[] grid, BandKind band = BandKind.BootstrapCi, double level = 0.95, int resamples = 1000, int resampleSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(seeds);
        ArgumentNullException.ThrowIfNull(grid);
        var mean = new double[grid.Length];
        var lower = new double[grid.Length];
        var upper = new double[grid.Length];
        var values = new List<double>(seeds.Count);
        for (int g = 0; g < grid.Length; g++)
        {
            values.Clear();
            values.AddRange(seeds.Select(s => ValueAt(s, grid[g])).Where(double.IsFinite));
            if (values.Count == 0)
            {
                mean[g] = lower[g] = upper[g] = double.NaN;
                continue;
            }

            mean[g] = values.Average();
            (lower[g], upper[g]) = band switch
            {
                BandKind.MinMax => (values.Min(), values.Max()),
                BandKind.BootstrapCi => Bootstrap.MeanInterval(values.ToArray(), level, resamples, resampleSeed),
                _ => (double.NaN, double.NaN),
            };
        }

        return new AggregateCurve(grid, mean, lower, upper);
    }

    /// <summary>Draws every group on one chart: faint seeds, then bands, then the means with a legend.</summary>
    /// <param name="groups">Configurations with their seeds.</param>
    /// <param name="options">Title, band and grid; null uses the defaults.</param>
    /// <returns>The SVG document.</returns>
    public static string WriteSvg(IReadOnlyList<CurveGroup> groups, MultiSeedChartOptions? options = null) =>
        SvgChart.Write(Chart(groups, options));

    /// <summary>
    /// The chart every renderer draws (the SVG here, the PNG in Tensorless.Reports): per group its seeds faintly, the
    /// band of <see cref="Aggregate"/>, and the mean with a legend entry; the statistics are computed once, here.
    /// </summary>
    /// <param name="groups">Configurations with their seeds.</param>
    /// <param name="options">Title, band and grid; null uses the defaults.</param>
    /// <returns>The chart, 900 x 420 pixels.</returns>
    public static ChartSpec Chart(IReadOnlyList<CurveGroup> groups, MultiSeedChartOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(groups);
        options ??= new MultiSeedChartOptions();
        double[] grid = Grid(groups.SelectMany(g => g.Seeds), options.GridPoints);
        var lines = new List<ChartLine>();
        var bands = new List<ChartBand>();
        var means = new List<ChartLine>();
        for (int i = 0; i < groups.Count; i++)
        {
            string color = SvgChart.Palette[i % SvgChart.Palette.Count];
            if (options.ShowSeeds)
            {
                lines.AddRange(groups[i].Seeds.Select(s => new ChartLine(s.X, s.Y, color, Width: 1, Opacity: 0.25, CssClass: "seed")));
            }

            var agg = Aggregate(groups[i].Seeds, grid, options.Band, options.Level, options.Resamples, options.ResampleSeed);
            if (options.Band != BandKind.None)
            {
                bands.Add(new ChartBand(agg.X, agg.Lower, agg.Upper, color));
            }

            string n = $" ({groups[i].Seeds.Count} seed{(groups[i].Seeds.Count == 1 ? "" : "s")})";
            means.Add(new ChartLine(agg.X, agg.Mean, color, Width: 2.5, Label: groups[i].Label + n, CssClass: "mean"));
        }

        string bandText = options.Band switch
        {
            BandKind.BootstrapCi => $", band: {options.Level:P0} bootstrap CI of the mean",
            BandKind.MinMax => ", band: min-max over seeds",
            _ => "",
        };
        return new ChartSpec
        {
            Title = options.Title + bandText,
            YLabel = options.YLabel,
            Width = 900,
            Height = 420,
            Bands = bands,
            Lines = [.. lines, .. means],
        };
    }
}
