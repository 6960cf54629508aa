namespace Tensorless.Rendering;

/// <summary>
/// Gymnasium's <c>PendulumEnv.render</c> (classic_control/pendulum.py): a 500x500 screen spanning +-2.2 m, a red
/// rod 1 m long and 0.2 m wide rotated by theta + pi/2 about the centre (theta 0 points up), rounded ends and a
/// black axle disc. The torque-arrow sprite (clockwise.png) is not drawn.
/// </summary>
internal static class PendulumDrawing
{
    /// <summary>Rod colour (204, 77, 77).</summary>
    public static readonly Rgb RodColor = new(204, 77, 77);

    /// <summary>Screen size.</summary>
    public const int Size = 500;

    /// <summary>Pixels per metre.</summary>
    public const double Scale = Size / (2 * 2.2);

    /// <summary>Pendulum-v1.</summary>
    public static EnvDrawing Pendulum { get; } = new(Size, Size, 30, (canvas, s) => Draw(canvas, s[0]));

    private static void Draw(Canvas canvas, double theta)
    {
        const double offset = Size / 2.0;
        double rodLength = 1 * Scale, rodWidth = 0.2 * Scale;
        double angle = theta + (Math.PI / 2);
        canvas.FillPolygon(Geometry.Box(0, rodLength, rodWidth / 2, -rodWidth / 2, angle, offset, offset), RodColor);
        canvas.FillCircle(offset, offset, rodWidth / 2, RodColor);
        var end = Geometry.Rotate((rodLength, 0), angle, offset, offset);
        canvas.FillCircle(end.X, end.Y, rodWidth / 2, RodColor);
        canvas.FillCircle(offset, offset, 0.05 * Scale, Rgb.Black);
    }
}
