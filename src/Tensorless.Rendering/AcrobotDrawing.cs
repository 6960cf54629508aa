namespace Tensorless.Rendering;

/// <summary>
/// Gymnasium's <c>AcrobotEnv.render</c> (classic_control/acrobot.py): a 500x500 screen spanning +-2.2 m, a black
/// line 1 m above the pivot (the height the tip must pass), two teal links 1 m long and 0.2 m wide, yellow joints.
/// With both angles 0 the links hang straight down.
/// </summary>
internal static class AcrobotDrawing
{
    /// <summary>Link colour (0, 204, 204).</summary>
    public static readonly Rgb LinkColor = new(0, 204, 204);

    /// <summary>Joint colour (204, 204, 0).</summary>
    public static readonly Rgb JointColor = new(204, 204, 0);

    /// <summary>Screen size.</summary>
    public const int Size = 500;

    /// <summary>Pixels per metre: the screen spans both links plus 0.2 m each side.</summary>
    public const double Scale = Size / (2 * 2.2);

    /// <summary>Acrobot-v1.</summary>
    public static EnvDrawing Acrobot { get; } = new(Size, Size, 15, (canvas, s) => Draw(canvas, s[0], s[1]));

    private static void Draw(Canvas canvas, double theta1, double theta2)
    {
        const double offset = Size / 2.0;
        // gymnasium: p1 = [-l1 cos s0, l1 sin s0], p2 = p1 + [-l2 cos(s0 + s1), l2 sin(s0 + s1)], then [:, ::-1] swaps to (x, y).
        (double X, double Y) p1 = (Math.Sin(theta1) * Scale, -Math.Cos(theta1) * Scale);
        (double X, double Y)[] joints = [(0, 0), p1];
        double[] angles = [theta1 - (Math.PI / 2), theta1 + theta2 - (Math.PI / 2)];
        canvas.DrawLine(-2.2 * Scale + offset, (1 * Scale) + offset, (2.2 * Scale) + offset, (1 * Scale) + offset, Rgb.Black);
        for (int i = 0; i < 2; i++)
        {
            double x = joints[i].X + offset, y = joints[i].Y + offset;
            canvas.FillPolygon(Geometry.Box(0, Scale, 0.1 * Scale, -0.1 * Scale, angles[i], x, y), LinkColor);
            canvas.FillCircle(x, y, 0.1 * Scale, JointColor);
        }
    }
}
