using SixLabors.ImageSharp;
using SixLabors.ImageSharp.Formats.Gif;
using SixLabors.ImageSharp.PixelFormats;
using SixLabors.ImageSharp.Processing.Processors.Quantization;
using Tensorless.Envs;
using Tensorless.Rl.Checkpoints;

namespace Tensorless.Rendering;

/// <summary>What <see cref="AgentGif.Write"/> wrote.</summary>
/// <param name="Frames">Frames in the GIF.</param>
/// <param name="Steps">Env steps taken over all episodes.</param>
/// <param name="Returns">Each episode's return.</param>
/// <param name="Stride">Every <c>Stride</c>-th state became a frame.</param>
public sealed record AgentGifResult(int Frames, int Steps, IReadOnlyList<double> Returns, int Stride);

/// <summary>
/// An animated GIF of a trained agent: deterministic episodes of the run's policy (<see cref="TrainedPolicy"/>) on a
/// fresh env, episode i reset with seed + i, each state drawn by <see cref="EnvRenderer"/>. ImageSharp encodes the
/// GIF (every frame is held in memory until then, hence <c>maxFrames</c>).
/// </summary>
public static class AgentGif
{
    /// <summary>Plays <paramref name="episodes"/> episodes of the policy in <paramref name="runDirectory"/> and writes them to <paramref name="path"/>.</summary>
    /// <param name="runDirectory">A run folder (<c>model.safetensors</c> + <c>config.json</c>).</param>
    /// <param name="path">Output file.</param>
    /// <param name="episodes">Episodes to play, at least 1.</param>
    /// <param name="seed">Episode i resets with seed + i.</param>
    /// <param name="maxFrames">Frame budget: when the episodes have more states, every k-th is kept (k as small as fits)
    /// and each frame shows for k env steps, so playback stays real time at the env's render fps.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="episodes"/> or <paramref name="maxFrames"/> is not positive.</exception>
    /// <exception cref="ArgumentException">The env has no drawing or no state access.</exception>
    public static AgentGifResult Write(string runDirectory, string path, int episodes = 1, ulong seed = 0, int maxFrames = 400)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(episodes);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxFrames);
        var policy = TrainedPolicy.Load(runDirectory);
        var drawing = EnvRenderer.Drawing(policy.EnvId);
        var (states, returns) = Play(policy, episodes, seed);
        int stride = (states.Count + maxFrames - 1) / maxFrames;
        // GIF delays are in hundredths of a second.
        int delay = Math.Max(2, (int)Math.Round(100.0 * stride / drawing.Fps));
        var canvases = new List<Canvas>();
        for (int i = 0; i < states.Count; i += stride)
        {
            canvases.Add(EnvRenderer.Draw(policy.EnvId, states[i]));
        }

        using var gif = new Image<Rgb24>(drawing.Width, drawing.Height);
        gif.Metadata.GetGifMetadata().RepeatCount = 0;
        foreach (var canvas in canvases)
        {
            using var frame = EnvRenderer.ToImage(canvas);
            frame.Frames.RootFrame.Metadata.GetGifMetadata().FrameDelay = delay;
            gif.Frames.AddFrame(frame.Frames.RootFrame);
        }

        int frames = canvases.Count;
        gif.Frames.RemoveFrame(0);
        string? folder = Path.GetDirectoryName(Path.GetFullPath(path));
        if (folder is not null)
        {
            Directory.CreateDirectory(folder);
        }

        // The drawings use a handful of flat colours: an exact palette of them, no dithering, keeps every pixel.
        var palette = Palette(canvases);
        gif.SaveAsGif(path, new GifEncoder
        {
            ColorTableMode = GifColorTableMode.Global,
            Quantizer = new PaletteQuantizer(palette, new QuantizerOptions { Dither = null, MaxColors = palette.Length }),
        });
        return new AgentGifResult(frames, states.Count - episodes, returns, stride);
    }

    /// <summary>Saves frame <paramref name="frame"/> of a GIF as a PNG still (for a report or a quick look).</summary>
    /// <param name="gifPath">A GIF written by <see cref="Write"/>.</param>
    /// <param name="pngPath">Output PNG.</param>
    /// <param name="frame">Frame index; clamped to the last frame.</param>
    public static void SaveStill(string gifPath, string pngPath, int frame)
    {
        using var gif = Image.Load<Rgb24>(gifPath);
        using var still = gif.Frames.CloneFrame(Math.Clamp(frame, 0, gif.Frames.Count - 1));
        still.SaveAsPng(pngPath);
    }

    /// <summary>The physical states of deterministic episodes (the first state of each, then one per step).</summary>
    private static (List<double[]> States, List<double> Returns) Play(TrainedPolicy policy, int episodes, ulong seed)
    {
        var env = Gym.Make(policy.EnvId);
        var stateful = (env is TimeLimit limit ? limit.Inner : env) as IStatefulEnv
            ?? throw new ArgumentException($"{policy.EnvId}: the env does not expose its physical state (IStatefulEnv), so it cannot be drawn.");
        var states = new List<double[]>();
        var returns = new List<double>();
        var observation = new double[env.ObservationSpace.FlatSize];
        var action = new double[env.ActionSpace.FlatSize];
        for (int e = 0; e < episodes; e++)
        {
            env.Reset(observation, seed + (ulong)e);
            states.Add(State(stateful));
            double total = 0;
            while (true)
            {
                policy.Act(observation, action, deterministic: true);
                var result = env.Step(action, observation);
                total += result.Reward;
                states.Add(State(stateful));
                if (result.Terminated || result.Truncated)
                {
                    break;
                }
            }

            returns.Add(total);
        }

        return (states, returns);
    }

    private static Color[] Palette(List<Canvas> canvases)
    {
        var colors = new HashSet<Rgb>();
        foreach (var canvas in canvases)
        {
            canvas.CollectColors(colors, limit: 256);
        }

        return [.. colors.Take(256).Select(c => Color.FromRgb(c.R, c.G, c.B))];
    }

    private static double[] State(IStatefulEnv env)
    {
        var state = new double[env.StateSize];
        env.GetState(state);
        return state;
    }
}
