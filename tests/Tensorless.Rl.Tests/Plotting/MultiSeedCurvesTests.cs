using System.Xml.Linq;
using Tensorless.Rl.Plotting;

namespace Tensorless.Rl.Tests.Plotting;

public class MultiSeedCurvesTests
{
    [Fact]
    public void MeanInterval_GivenResamples_MatchesHandWorkedPercentiles()
    {
        // Resample means 1, 2.5, 4, 2.5, 1.5 -> sorted 1, 1.5, 2.5, 2.5, 4. Level 0.8: q 0.1 at position 0.4 ->
        // 1 + 0.4 * 0.5 = 1.2; q 0.9 at position 3.6 -> 2.5 + 0.6 * 1.5 = 3.4.
        int[][] resamples = [[0, 0, 0, 0], [0, 1, 2, 3], [3, 3, 3, 3], [1, 1, 2, 2], [0, 0, 1, 1]];

        var (lower, upper) = Bootstrap.MeanInterval([1.0, 2, 3, 4], 0.8, resamples);

        Assert.Equal(1.2, lower, 1e-12);
        Assert.Equal(3.4, upper, 1e-12);
    }

    [Fact]
    public void MeanInterval_Seeded_RepeatsAndBracketsTheMean()
    {
        double[] values = [10, 12, 9, 30, 14];

        var a = Bootstrap.MeanInterval(values, 0.95, 2000, seed: 5);
        var b = Bootstrap.MeanInterval(values, 0.95, 2000, seed: 5);

        Assert.Equal(a, b);
        Assert.InRange(values.Average(), a.Lower, a.Upper);
        Assert.True(a.Lower >= values.Min() && a.Upper <= values.Max());
        Assert.Equal((7.0, 7.0), Bootstrap.MeanInterval([7.0], 0.95, 10, 0));
    }

    [Fact]
    public void Aggregate_HoldsLastValueAndSkipsUnstartedSeeds()
    {
        var early = new SeedCurve([100, 200], [1, 3]);
        var late = new SeedCurve([150, 300], [5, 7]);

        var agg = MultiSeedCurves.Aggregate([early, late], [100, 200, 300], BandKind.MinMax);

        Assert.Equal([1.0, 4, 5], agg.Mean);
        Assert.Equal([1.0, 3, 3], agg.Lower);
        Assert.Equal([1.0, 5, 7], agg.Upper);
    }

    [Fact]
    public void WriteSvg_TwoConfigurations_WellFormedWithMonotoneTicksAndLegend()
    {
        CurveGroup Group(string label, double offset) => new(label,
            [.. Enumerable.Range(0, 3).Select(s => new SeedCurve([.. Enumerable.Range(1, 20).Select(i => i * 1000.0)], [.. Enumerable.Range(1, 20).Select(i => offset + i + s)]))]);

        string svg = MultiSeedCurves.WriteSvg([Group("a", 0), Group("b", 50)]);

        var doc = XDocument.Parse(svg);
        XNamespace ns = "http://www.w3.org/2000/svg";
        double[] Ticks(string cls) => [.. doc.Descendants(ns + "text").Where(t => (string?)t.Attribute("class") == cls)
            .Select(t => double.Parse(t.Value.TrimEnd('k'), System.Globalization.CultureInfo.InvariantCulture) * (t.Value.EndsWith('k') ? 1000 : 1))];
        double[] x = Ticks("x-tick"), y = Ticks("y-tick");
        Assert.True(x.Length >= 3 && x.Zip(x.Skip(1)).All(p => p.Second > p.First));
        Assert.True(y.Length >= 3 && y.Zip(y.Skip(1)).All(p => p.Second > p.First));
        Assert.Equal(2, doc.Descendants(ns + "path").Count(p => (string?)p.Attribute("class") == "band"));
        Assert.Equal(6, doc.Descendants(ns + "polyline").Count(p => (string?)p.Attribute("class") == "seed"));
        Assert.Equal(2, doc.Descendants(ns + "g").Count(g => (string?)g.Attribute("class") == "legend-entry"));
    }
}
