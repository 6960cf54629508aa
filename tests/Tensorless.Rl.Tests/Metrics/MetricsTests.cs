using System.Text.Json;
using Tensorless.Rl.Metrics;

namespace Tensorless.Rl.Tests.Metrics;

public sealed class MetricsTests
{
    [Fact]
    public void MetricsRecord_Standard_HasStableOrderAndSetKeepsPosition()
    {
        var record = MetricsRecord.CreateStandard();
        Assert.Equal(MetricNames.Standard, record.Fields.Select(f => f.Key));
        record.Set(MetricNames.Update, 3L).Set("custom", "x").Set(MetricNames.PolicyLoss, 0.25);
        Assert.Equal(MetricNames.Update, record.Fields[0].Key);
        Assert.Equal(3L, record[MetricNames.Update].Long);
        Assert.Equal("custom", record.Fields[^1].Key);
        Assert.Equal(0.25, record[MetricNames.PolicyLoss].AsDouble());
    }

    [Fact]
    public void CsvMetricsWriter_Records_WritesHeaderInvariantRoundTripAndQuotes()
    {
        var text = new StringWriter();
        using (var csv = new CsvMetricsWriter(text, leaveOpen: true))
        {
            csv.Write(new MetricsRecord().Set("update", 1L).Set("loss", 0.1 + 0.2).Set("note", "a,\"b\"").Set("kl", double.NaN));
            csv.Write(new MetricsRecord().Set("update", 2L).Set("loss", 1e-300));
        }

        string[] lines = text.ToString().Split('\n');
        Assert.Equal("update,loss,note,kl", lines[0]);
        Assert.Equal("1,0.30000000000000004,\"a,\"\"b\"\"\",NaN", lines[1]);
        Assert.Equal("2,1E-300,,", lines[2]);
        Assert.Equal(0.1 + 0.2, double.Parse(lines[1].Split(',')[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void CsvMetricsWriter_NewColumnAfterHeader_ThrowsNamingIt()
    {
        using var csv = new CsvMetricsWriter(new StringWriter());
        csv.Write(new MetricsRecord().Set("a", 1L));
        var e = Assert.Throws<InvalidOperationException>(() => csv.Write(new MetricsRecord().Set("b", 1L)));
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void JsonLinesMetricsWriter_Records_WritesOneObjectPerLineWithNullForNaN()
    {
        var text = new StringWriter();
        using (var json = new JsonLinesMetricsWriter(text, leaveOpen: true))
        {
            json.Write(new MetricsRecord().Set("update", 7L).Set("loss", 0.1 + 0.2).Set("kl", double.NaN).Set("inf", double.PositiveInfinity).Set("env", "CartPole-v1"));
            json.Write(new MetricsRecord().Set("update", 8L));
        }

        string[] lines = text.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        using JsonDocument doc = JsonDocument.Parse(lines[0]);
        JsonElement root = doc.RootElement;
        Assert.Equal(["update", "loss", "kl", "inf", "env"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(7L, root.GetProperty("update").GetInt64());
        Assert.Equal(0.1 + 0.2, root.GetProperty("loss").GetDouble());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("kl").ValueKind);
        Assert.Equal(JsonValueKind.Null, root.GetProperty("inf").ValueKind);
        Assert.Equal("CartPole-v1", root.GetProperty("env").GetString());
    }

    [Fact]
    public void EpisodeStatistics_EpisodesAcrossEnvs_TracksReturnsLengthsAndRing()
    {
        var stats = new EpisodeStatistics(2, window: 2, keepHistory: true);
        Assert.True(double.IsNaN(stats.MeanReturn));
        stats.Record([1, 10], [false, false], [false, false]);
        Assert.Equal(1, stats.Record([2, 20], [true, false], [false, false]));   // env 0: return 3, length 2
        stats.Record([4, 30], [false, false], [false, true]);                   // env 1: return 60, length 3
        stats.Record([5, 1], [true, true], [false, false]);                     // env 0: 9 (len 2), env 1: 1 (len 1)
        Assert.Equal(4, stats.EpisodeCount);
        Assert.Equal(2, stats.WindowCount);
        Assert.Equal((9 + 1) / 2.0, stats.MeanReturn);                          // ring keeps the last two
        Assert.Equal(1.5, stats.MeanLength);
        Assert.Equal(8, stats.EnvSteps);
        Assert.Equal(new FinishedEpisode(6, 1, 60, 3, true), stats.History[1]);
        Assert.Equal([0.0, 0.0], stats.CurrentReturns.ToArray());
    }

    [Fact]
    public void EpisodeStatistics_Window100_MeanOfLast100()
    {
        var stats = new EpisodeStatistics(1);
        for (int i = 1; i <= 150; i++)
        {
            stats.Record([i], [true], [false]);
        }

        Assert.Equal(Enumerable.Range(51, 100).Average(), stats.MeanReturn);
    }
}
