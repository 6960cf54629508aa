using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using Tensorless.Rl.Runs;

namespace Tensorless.Rendering.Tests;

public sealed class AgentGifTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "tensorless-gif-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public void Write_GifDecodesWithOneFramePerStateAndTheScreenSize()
    {
        string run = Path.Combine(_dir, "run");
        TrainingRun.Run(new RunRequest { Algorithm = "a2c", EnvId = "CartPole-v1", Seed = 1, Threads = 1, TotalSteps = 80, EvalEpisodes = 0, OutputDirectory = run });
        string gifPath = Path.Combine(_dir, "agent.gif");

        var result = AgentGif.Write(run, gifPath, episodes: 2, seed: 4, maxFrames: 1000);

        using var gif = Image.Load<Rgb24>(gifPath);
        Assert.Equal(600, gif.Width);
        Assert.Equal(400, gif.Height);
        Assert.Equal(1, result.Stride);
        Assert.Equal(result.Steps + 2, result.Frames);
        Assert.Equal(result.Frames, gif.Frames.Count);
        Assert.Equal(2, result.Returns.Count);
        Assert.Equal(result.Steps, (int)result.Returns.Sum());
        Assert.Equal(2, gif.Frames[1].Metadata.GetGifMetadata().FrameDelay);
    }

    [Fact]
    public void Write_MoreStatesThanMaxFrames_KeepsEveryKth()
    {
        string run = Path.Combine(_dir, "run");
        TrainingRun.Run(new RunRequest { Algorithm = "a2c", EnvId = "CartPole-v1", Seed = 1, Threads = 1, TotalSteps = 80, EvalEpisodes = 0, OutputDirectory = run });
        string gifPath = Path.Combine(_dir, "agent.gif");

        var result = AgentGif.Write(run, gifPath, episodes: 3, seed: 0, maxFrames: 5);

        Assert.InRange(result.Frames, 1, 5);
        using var gif = Image.Load<Rgb24>(gifPath);
        Assert.Equal(result.Frames, gif.Frames.Count);
    }
}
