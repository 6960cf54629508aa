using System.Net;
using System.Text;
using System.Text.Json;
using Tensorless.Rl.Plotting;

namespace Tensorless.Rl.Reports;

/// <summary>Shared pieces of the HTML reports: the page frame (inline CSS, no external resources), tables, metric charts.</summary>
internal static class HtmlReport
{
    private const string Css = """
        body{font-family:system-ui,sans-serif;margin:24px auto;max-width:1140px;color:#222;background:#fff}
        h1{font-size:24px;margin-bottom:4px}h2{font-size:18px;border-bottom:1px solid #ddd;padding-bottom:4px;margin-top:28px}
        table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left}
        th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}tr.best td{background:#eaf6ea;font-weight:bold}
        pre{background:#f7f7f7;border:1px solid #e2e2e2;padding:10px;font-size:12px;overflow:auto;max-height:420px}
        .charts{display:flex;flex-wrap:wrap;gap:8px}.charts svg{border:1px solid #eee}.muted{color:#777;font-size:13px}
        """;

    /// <summary>The metric charts of a run page, in order: column, title.</summary>
    public static readonly (string Column, string Title)[] MetricCharts =
    [
        ("episode_return_mean", "Episode return (mean of last 100)"),
        ("episode_length_mean", "Episode length (mean of last 100)"),
        ("policy_loss", "Policy loss"),
        ("value_loss", "Value loss"),
        ("entropy", "Entropy"),
        ("approx_kl", "Approx KL"),
        ("clip_fraction", "Clip fraction"),
        ("explained_variance", "Explained variance"),
        ("steps_per_second", "Env steps per second"),
        ("learning_rate", "Learning rate"),
    ];

    public static string Page(string title, string body) =>
        $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(title)}</title><style>{Css}</style></head>\n<body>\n<h1>{E(title)}</h1>\n{body}\n<p class=\"muted\">Written by Tensorless; self-contained (no network).</p>\n</body></html>\n";

    public static string E(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>A two-column table of a JSON object's scalar fields.</summary>
    public static string KeyValueTable(JsonElement obj)
    {
        var sb = new StringBuilder("<table>");
        foreach (var p in obj.EnumerateObject())
        {
            string v = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString() ?? "",
                JsonValueKind.Null => "-",
                JsonValueKind.Number => p.Value.TryGetInt64(out long l) ? l.ToString(System.Globalization.CultureInfo.InvariantCulture) : p.Value.GetDouble().ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
                _ => p.Value.GetRawText(),
            };
            sb.Append($"<tr><th>{E(p.Name)}</th><td>{E(v)}</td></tr>");
        }

        return sb.Append("</table>").ToString();
    }

    /// <summary>One small chart per metric column that has any finite value.</summary>
    public static string MetricChartsHtml(MetricsTable table)
    {
        double[]? x = table.Column("env_steps");
        if (x is null || table.RowCount == 0)
        {
            return "<p class=\"muted\">No metrics.csv rows.</p>";
        }

        var sb = new StringBuilder("<div class=\"charts\">");
        int i = 0;
        foreach (var (column, title) in MetricCharts)
        {
            if (table.Column(column) is double[] y && y.Any(double.IsFinite))
            {
                sb.Append(SvgChart.Write(new ChartSpec
                {
                    Title = title,
                    YLabel = column,
                    Width = 550,
                    Height = 260,
                    Lines = [new ChartLine(x, y, SvgChart.Palette[i++ % SvgChart.Palette.Count], CssClass: column)],
                }));
            }
        }

        return sb.Append("</div>").ToString();
    }

    /// <summary>An img element holding a file as a data URI, or empty when the file is absent.</summary>
    public static string ImageIfPresent(string path, string mime, string alt) =>
        File.Exists(path) ? $"<img alt=\"{E(alt)}\" src=\"data:{mime};base64,{Convert.ToBase64String(File.ReadAllBytes(path))}\">" : "";

    /// <summary>Pretty-printed JSON of a file, or null when absent or unreadable.</summary>
    public static string? PrettyJson(string path)
    {
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            return JsonSerializer.Serialize(doc.RootElement, new JsonSerializerOptions { WriteIndented = true });
        }
        catch (JsonException)
        {
            return File.ReadAllText(path);
        }
    }
}
