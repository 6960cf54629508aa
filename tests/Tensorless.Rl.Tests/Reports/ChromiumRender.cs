using System.Diagnostics;
using System.IO.Compression;

namespace Tensorless.Rl.Tests;

/// <summary>
/// Renders an HTML file with Debian's headless Chromium, as a user would see it. Where /usr/bin/chromium is absent the
/// render is skipped (xunit 2 has no dynamic skip): <see cref="TryScreenshot"/> returns true with no PNG, and the test
/// checks the HTML only. .ci/run installs chromium so CI renders.
/// </summary>
internal static class ChromiumRender
{
    public const string Chromium = "/usr/bin/chromium";

    public static bool TryScreenshot(string html, out string? png, out string why)
    {
        png = null;
        if (!File.Exists(Chromium))
        {
            why = "chromium not installed; render skipped";
            return true;
        }

        string output = Path.Combine(Path.GetDirectoryName(html)!, "report.png");
        string profile = Directory.CreateTempSubdirectory("tensorless-chromium-").FullName;
        var start = new ProcessStartInfo(Chromium)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            $"--user-data-dir={profile}", $"--screenshot={output}", "--window-size=1200,2000", new Uri(Path.GetFullPath(html)).AbsoluteUri })
        {
            start.ArgumentList.Add(arg);
        }

        try
        {
            using var process = Process.Start(start)!;
            process.StandardOutput.ReadToEndAsync();
            string err = process.StandardError.ReadToEnd();
            if (!process.WaitForExit(120_000))
            {
                process.Kill(entireProcessTree: true);
                why = "chromium timed out";
                return false;
            }

            png = File.Exists(output) ? output : null;
            why = png is null ? $"chromium wrote no PNG: {err}" : "";
            return png is not null;
        }
        finally
        {
            Directory.Delete(profile, recursive: true);
        }
    }

    /// <summary>Distinct byte values in the PNG's inflated image data: a blank page has a handful, a drawn one far more.</summary>
    public static int DistinctColours(string png)
    {
        byte[] bytes = File.ReadAllBytes(png);
        using var idat = new MemoryStream();
        for (int pos = 8; pos + 8 <= bytes.Length;)
        {
            int length = (bytes[pos] << 24) | (bytes[pos + 1] << 16) | (bytes[pos + 2] << 8) | bytes[pos + 3];
            string type = System.Text.Encoding.ASCII.GetString(bytes, pos + 4, 4);
            if (type == "IDAT")
            {
                idat.Write(bytes, pos + 8, length);
            }

            pos += 12 + length;
        }

        idat.Position = 0;
        using var inflate = new ZLibStream(idat, CompressionMode.Decompress);
        var seen = new bool[256];
        var buffer = new byte[65536];
        int n;
        while ((n = inflate.Read(buffer)) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                seen[buffer[i]] = true;
            }
        }

        return seen.Count(s => s);
    }
}
