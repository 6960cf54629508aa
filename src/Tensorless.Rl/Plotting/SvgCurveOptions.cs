using Tensorless.Rl.Options;

namespace Tensorless.Rl.Plotting;

/// <summary>Labels and geometry of a <see cref="SvgCurveWriter"/> chart.</summary>
public sealed record SvgCurveOptions
{
    /// <summary>Chart title. Default "Episode return".</summary>
    public string Title { get; init; } = "Episode return";

    /// <summary>Label of the x axis. Default "environment steps".</summary>
    public string XLabel { get; init; } = "environment steps";

    /// <summary>Label of the y axis. Default "episode return".</summary>
    public string YLabel { get; init; } = "episode return";

    /// <summary>Number of episodes in the rolling mean, at least 1. Default 100 (SB3's episode window).</summary>
    public int RollingWindow { get; init; } = 100;

    /// <summary>Width of the image in pixels, at least 200. Default 800.</summary>
    public int Width { get; init; } = 800;

    /// <summary>Height of the image in pixels, at least 150. Default 480.</summary>
    public int Height { get; init; } = 480;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it and its value.</exception>
    public void Validate()
    {
        OptionChecks.AtLeast(RollingWindow, 1, nameof(RollingWindow));
        OptionChecks.AtLeast(Width, 200, nameof(Width));
        OptionChecks.AtLeast(Height, 150, nameof(Height));
        if (Title is null || XLabel is null || YLabel is null)
        {
            throw new ArgumentException("Title, XLabel and YLabel must not be null.", Title is null ? nameof(Title) : XLabel is null ? nameof(XLabel) : nameof(YLabel));
        }
    }
}
