using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;
using Tensorless.Envs;

namespace Tensorless.Rendering;

/// <summary>
/// Draws the built-in classic-control envs as Gymnasium's pygame renderers do (same screen sizes, geometry and
/// colours), from an env's physical state (<see cref="IStatefulEnv.GetState"/>). Register a drawing for another
/// env with <see cref="Register"/>.
/// </summary>
public static class EnvRenderer
{
    private static readonly Dictionary<string, EnvDrawing> Drawings = new()
    {
        ["CartPole-v0"] = CartPoleDrawing.CartPole,
        ["CartPole-v1"] = CartPoleDrawing.CartPole,
        ["CartPoleSwingUp-v0"] = CartPoleDrawing.SwingUp,
        ["Pendulum-v1"] = PendulumDrawing.Pendulum,
        ["Acrobot-v1"] = AcrobotDrawing.Acrobot,
        ["MountainCar-v0"] = MountainCarDrawing.MountainCar,
        ["MountainCarContinuous-v0"] = MountainCarDrawing.Continuous,
    };

    /// <summary>The drawing of <paramref name="envId"/>.</summary>
    /// <param name="envId">Registry id.</param>
    /// <exception cref="ArgumentException">No drawing is known for the id (the message lists the known ones).</exception>
    public static EnvDrawing Drawing(string envId)
    {
        ArgumentNullException.ThrowIfNull(envId);
        lock (Drawings)
        {
            return Drawings.TryGetValue(envId, out var drawing)
                ? drawing
                : throw new ArgumentException($"No renderer for env '{envId}'. Renderable: {string.Join(", ", Drawings.Keys)}.", nameof(envId));
        }
    }

    /// <summary>Adds or replaces the drawing of <paramref name="envId"/> (for envs added with <see cref="Gym.Register"/>).</summary>
    /// <param name="envId">Registry id.</param>
    /// <param name="drawing">How to draw it.</param>
    public static void Register(string envId, EnvDrawing drawing)
    {
        ArgumentNullException.ThrowIfNull(envId);
        ArgumentNullException.ThrowIfNull(drawing);
        lock (Drawings)
        {
            Drawings[envId] = drawing;
        }
    }

    /// <summary>Draws <paramref name="state"/> onto a new white canvas of the env's screen size.</summary>
    /// <param name="envId">Registry id.</param>
    /// <param name="state">Physical state in the env's <see cref="IStatefulEnv"/> order.</param>
    /// <exception cref="ArgumentException">No drawing for the id.</exception>
    public static Canvas Draw(string envId, ReadOnlySpan<double> state)
    {
        var drawing = Drawing(envId);
        var canvas = new Canvas(drawing.Width, drawing.Height, Rgb.White);
        drawing.Draw(canvas, state.ToArray());
        return canvas;
    }

    /// <summary>Draws <paramref name="state"/> as an ImageSharp image (row 0 at the top, as Gymnasium's rgb_array).</summary>
    /// <param name="envId">Registry id.</param>
    /// <param name="state">Physical state in the env's <see cref="IStatefulEnv"/> order.</param>
    /// <exception cref="ArgumentException">No drawing for the id.</exception>
    public static Image<Rgb24> Render(string envId, ReadOnlySpan<double> state) => ToImage(Draw(envId, state));

    /// <summary>Copies a canvas into a new ImageSharp image.</summary>
    /// <param name="canvas">The canvas.</param>
    public static Image<Rgb24> ToImage(Canvas canvas)
    {
        ArgumentNullException.ThrowIfNull(canvas);
        var bytes = new byte[canvas.Width * canvas.Height * 3];
        canvas.CopyRgbTo(bytes);
        return Image.LoadPixelData<Rgb24>(bytes, canvas.Width, canvas.Height);
    }
}
