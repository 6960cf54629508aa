using System.Globalization;
using System.Xml.Linq;
using Tensorless.Rl.Metrics;
using Tensorless.Rl.Plotting;

namespace Tensorless.Rl.Tests.Plotting;

public sealed class SvgCurveWriterTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Write_Episodes_ParsesAsXmlWithOneCircleAndOneMeanVertexPerEpisode()
    {
        double[] steps = [100, 200, 300, 400, 500];
        double[] returns = [10, 20, 30, 40, 50];
        XDocument doc = XDocument.Parse(SvgCurveWriter.Write(steps, returns, new SvgCurveOptions { RollingWindow = 2, Title = "CartPole <v1> & co" }));

        Assert.Equal(Svg + "svg", doc.Root!.Name);
        Assert.Equal("CartPole <v1> & co", doc.Root.Element(Svg + "title")!.Value);
        var circles = doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "points").Elements(Svg + "circle").ToList();
        Assert.Equal(5, circles.Count);
        string[] vertices = ((string)doc.Descendants(Svg + "polyline").Single(p => (string?)p.Attribute("class") == "rolling-mean").Attribute("points")!).Split(' ');
        Assert.Equal(5, vertices.Length);

        // The rolling mean over 2 episodes is (10, 15, 25, 35, 45): each mean vertex shares its x with its point, and
        // its y lies between the two points it averages (SVG y grows downwards).
        for (int i = 0; i < 5; i++)
        {
            double[] xy = vertices[i].Split(',').Select(s => double.Parse(s, CultureInfo.InvariantCulture)).ToArray();
            Assert.Equal(double.Parse((string)circles[i].Attribute("cx")!, CultureInfo.InvariantCulture), xy[0]);
            double cy = double.Parse((string)circles[i].Attribute("cy")!, CultureInfo.InvariantCulture);
            if (i == 0)
            {
                Assert.Equal(cy, xy[1]);
            }
            else
            {
                double previous = double.Parse((string)circles[i - 1].Attribute("cy")!, CultureInfo.InvariantCulture);
                Assert.InRange(xy[1], cy, previous);
                Assert.Equal((cy + previous) / 2, xy[1], 1e-1);
            }
        }
    }

    [Fact]
    public void Write_Axes_HaveRoundTickLabelsCoveringTheData()
    {
        XDocument doc = XDocument.Parse(SvgCurveWriter.Write([0, 1000], [-3, 97]));
        string[] xTicks = doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "x-tick").Select(t => t.Value).ToArray();
        string[] yTicks = doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "y-tick").Select(t => t.Value).ToArray();
        Assert.Equal(["0", "200", "400", "600", "800", "1000"], xTicks);
        Assert.Equal(["-20", "0", "20", "40", "60", "80", "100"], yTicks);
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "rolling mean (100 episodes)");
        Assert.Contains(doc.Descendants(Svg + "text"), t => (string?)t.Attribute("class") == "x-label" && t.Value == "environment steps");
    }

    [Fact]
    public void Write_LargeStepCounts_UseKiloAndMegaLabels()
    {
        XDocument doc = XDocument.Parse(SvgCurveWriter.Write([0, 2_000_000], [1, 2]));
        string[] xTicks = doc.Descendants(Svg + "text").Where(t => (string?)t.Attribute("class") == "x-tick").Select(t => t.Value).ToArray();
        Assert.Equal(["0", "500k", "1M", "1.5M", "2M"], xTicks);
    }

    [Fact]
    public void Write_NoEpisodesOrNonFinite_StillValidXmlWithEmptyNote()
    {
        XDocument doc = XDocument.Parse(SvgCurveWriter.Write([1.0], [double.NaN]));
        Assert.DoesNotContain(doc.Descendants(Svg + "circle"), c => c.Parent!.Attribute("class")?.Value == "points");
        Assert.Contains(doc.Descendants(Svg + "text"), t => t.Value == "no finished episodes");
    }

    [Fact]
    public void Write_FinishedEpisodes_UsesEnvStepsAndReturns()
    {
        var stats = new EpisodeStatistics(1, keepHistory: true);
        stats.Record([5], [true], [false]);
        stats.Record([7], [false], [true]);
        XDocument doc = XDocument.Parse(SvgCurveWriter.Write(stats.History));
        Assert.Equal(2, doc.Descendants(Svg + "g").Single(g => (string?)g.Attribute("class") == "points").Elements().Count());
    }

    [Fact]
    public void Write_InvalidOptionsOrLengths_ThrowNamingThem()
    {
        Assert.Equal("RollingWindow", Assert.Throws<ArgumentException>(() => SvgCurveWriter.Write([1.0], [1.0], new SvgCurveOptions { RollingWindow = 0 })).ParamName);
        Assert.Equal("returns", Assert.Throws<ArgumentException>(() => SvgCurveWriter.Write([1.0, 2.0], [1.0])).ParamName);
    }
}
