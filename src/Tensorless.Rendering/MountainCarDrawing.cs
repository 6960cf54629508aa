namespace Tensorless.Rendering;

/// <summary>
/// Gymnasium's <c>MountainCarEnv.render</c> (classic_control/mountain_car.py, also used by the continuous env): a
/// 600x400 screen over positions -1.2 to 0.6, the hill y = 0.45 sin(3x) + 0.55 as a black line, a black 40x20 car
/// tilted by cos(3x) radians 10 px above the curve, two grey wheels, and a yellow flag at the goal.
/// </summary>
internal static class MountainCarDrawing
{
    /// <summary>Wheel colour (128, 128, 128).</summary>
    public static readonly Rgb WheelColor = new(128, 128, 128);

    /// <summary>Flag colour (204, 204, 0).</summary>
    public static readonly Rgb FlagColor = new(204, 204, 0);

    /// <summary>Screen size.</summary>
    public const int Width = 600, Height = 400;

    /// <summary>Leftmost position, m.</summary>
    public const double MinPosition = -1.2;

    /// <summary>Pixels per unit of position.</summary>
    public const double Scale = Width / (0.6 - MinPosition);

    /// <summary>MountainCar-v0 (goal at 0.5).</summary>
    public static EnvDrawing MountainCar { get; } = new(Width, Height, 30, (canvas, s) => Draw(canvas, s[0], 0.5));

    /// <summary>MountainCarContinuous-v0 (goal at 0.45).</summary>
    public static EnvDrawing Continuous { get; } = new(Width, Height, 30, (canvas, s) => Draw(canvas, s[0], 0.45));

    /// <summary>The hill's height at <paramref name="position"/>.</summary>
    public static double HeightAt(double position) => (Math.Sin(3 * position) * 0.45) + 0.55;

    private static void Draw(Canvas canvas, double position, double goal)
    {
        const double carWidth = 40, carHeight = 20, clearance = 10;
        var curve = new (double X, double Y)[100];
        for (int i = 0; i < curve.Length; i++)
        {
            double p = MinPosition + ((0.6 - MinPosition) * i / (curve.Length - 1));
            curve[i] = ((p - MinPosition) * Scale, HeightAt(p) * Scale);
        }

        canvas.DrawPolyline(curve, Rgb.Black);
        double angle = Math.Cos(3 * position);
        double carX = (position - MinPosition) * Scale, carY = clearance + (HeightAt(position) * Scale);
        canvas.FillPolygon(Geometry.Box(-carWidth / 2, carWidth / 2, carHeight, 0, angle, carX, carY), Rgb.Black);
        foreach (double wheelX in (ReadOnlySpan<double>)[carWidth / 4, -carWidth / 4])
        {
            var wheel = Geometry.Rotate((wheelX, 0), angle, carX, carY);
            canvas.FillCircle(wheel.X, wheel.Y, carHeight / 2.5, WheelColor);
        }

        double flagX = (goal - MinPosition) * Scale, flagY1 = HeightAt(goal) * Scale, flagY2 = flagY1 + 50;
        canvas.DrawLine(flagX, flagY1, flagX, flagY2, Rgb.Black);
        canvas.FillPolygon([(flagX, flagY2), (flagX, flagY2 - 10), (flagX + 25, flagY2 - 5)], FlagColor);
    }
}
