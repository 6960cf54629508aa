namespace Tensorless.Rendering;

/// <summary>How one env is drawn: the screen Gymnasium's renderer opens and the shapes it draws for a state.</summary>
/// <param name="Width">Screen width in pixels (Gymnasium's <c>screen_width</c>).</param>
/// <param name="Height">Screen height in pixels (<c>screen_height</c>).</param>
/// <param name="Fps">Gymnasium's <c>metadata["render_fps"]</c>: frames per second of a real-time replay.</param>
/// <param name="Draw">Draws the physical state (in the env's <c>IStatefulEnv</c> order) onto a white canvas.</param>
public sealed record EnvDrawing(int Width, int Height, int Fps, Action<Canvas, double[]> Draw);

/// <summary>Geometry shared by the drawings.</summary>
internal static class Geometry
{
    /// <summary>pygame's <c>Vector2.rotate_rad(angle)</c> (counter-clockwise, y up) followed by a shift.</summary>
    public static (double X, double Y) Rotate((double X, double Y) p, double angle, double shiftX = 0, double shiftY = 0)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return ((p.X * c) - (p.Y * s) + shiftX, (p.X * s) + (p.Y * c) + shiftY);
    }

    /// <summary>The rectangle l, r, t, b (pygame's order) as four corners, rotated by <paramref name="angle"/> about the
    /// origin and shifted.</summary>
    public static (double X, double Y)[] Box(double l, double r, double t, double b, double angle, double shiftX, double shiftY) =>
    [
        Rotate((l, b), angle, shiftX, shiftY),
        Rotate((l, t), angle, shiftX, shiftY),
        Rotate((r, t), angle, shiftX, shiftY),
        Rotate((r, b), angle, shiftX, shiftY),
    ];
}
